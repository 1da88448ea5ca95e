-- setup({ explain = { layout = "split" } }): the explanation opens in a split; `q` in it
-- (:KimiExplainShow moves there) while it streams closes it and cancels the request.
local h = require("harness")
h.client()
local source_win = vim.api.nvim_get_current_win()
vim.cmd("KimiExplain")
local view = require("kimi.view").current
h.obs.layout = vim.api.nvim_win_get_config(view.win).relative == "" and "split" or "float"
h.obs.windows = #vim.api.nvim_list_wins()
h.obs.filetype = vim.bo[view.buf].filetype
h.wait(15000, function()
  return #view.text > 0
end, "the first streamed text")
h.obs.cursor_stayed = vim.api.nvim_get_current_win() == source_win
vim.cmd("KimiExplainShow")
vim.api.nvim_feedkeys("q", "x", false)
h.obs.closed = not vim.api.nvim_win_is_valid(view.win or -1)
h.obs.back_in_source = vim.api.nvim_get_current_win() == source_win
h.wait_ends(1, "the cancelled progress to end")
h.obs.keymap = vim.fn.maparg("<leader>ke", "x")
h.finish()
