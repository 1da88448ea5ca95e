-- :KimiExplain on a linewise visual selection: the float fills in from kimi/stream.
local h = require("harness")
local client = h.client()
h.obs.encoding = client.offset_encoding
local source = vim.api.nvim_get_current_buf()

-- After each kimi/stream notification, what the window shows (live rendering).
local stream = require("kimi.stream")
local handle = stream.handler
h.obs.rendered = {}
stream.handler = function(err, params, ctx)
  handle(err, params, ctx)
  local _, buf = h.float()
  if buf and params.delta ~= "" then
    table.insert(h.obs.rendered, table.concat(h.lines(buf), "\n"))
  end
end

vim.cmd("normal! 1GV3G\27")
vim.cmd("'<,'>KimiExplain")

local win, buf = h.float()
h.obs.float_opened = win ~= nil
h.obs.placeholder = buf and h.lines(buf)
h.obs.float_filetype = buf and vim.bo[buf].filetype
h.obs.float_is_current = vim.api.nvim_get_current_win() == win

local view = require("kimi.view").current
h.wait(20000, function()
  return not view.running
end, "the explanation to finish")
h.obs.float = h.lines(buf)
h.obs.view_text = view.text
h.wait(10000, function()
  return require("kimi").usage() ~= nil
end, "the usage refresh")
h.obs.status = require("kimi").status()
h.obs.source_lines = h.lines(source)

-- :KimiExplainShow moves into the window; `q` there closes it.
vim.cmd("KimiExplainShow")
h.obs.show_enters = vim.api.nvim_get_current_win() == win
vim.api.nvim_feedkeys("q", "x", false)
h.obs.float_closed = not vim.api.nvim_win_is_valid(win)
h.obs.back_in_source = vim.api.nvim_get_current_buf() == source
-- :KimiExplainShow reopens it (without taking the cursor), with the same text.
vim.cmd("KimiExplainShow")
local again, again_buf = h.float()
h.obs.reopened = again ~= nil and h.lines(again_buf)
h.obs.reopened_is_current = vim.api.nvim_get_current_win() == again
h.finish()
