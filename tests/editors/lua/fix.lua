-- :KimiFix sends the diagnostics of the current line (set with vim.diagnostic.set).
local h = require("harness")
h.client()
local ns = vim.api.nvim_create_namespace("test-linter")
vim.diagnostic.set(ns, 0, {
  {
    lnum = 0,
    col = 0,
    end_lnum = 0,
    end_col = 9,
    message = "'os' imported but unused",
    source = "pyflakes",
    code = "F401",
    severity = vim.diagnostic.severity.WARN,
  },
})
vim.api.nvim_win_set_cursor(0, { 3, 0 })
local before = #h.obs.notifications
vim.cmd("KimiFix") -- line 3 has no diagnostic: nothing is sent
h.wait(5000, function()
  return #h.obs.notifications > before
end, "the message")
h.obs.no_diagnostics = h.obs.notifications[before + 1]
vim.api.nvim_win_set_cursor(0, { 1, 0 })
vim.cmd("KimiFix")
h.wait_ends(1, "the fix")
h.accept()
h.obs.after_fix = h.lines()

-- The quick fix code action "Kimi: Fix: ..." (Neovim puts only the client's own diagnostics
-- in the code action context, so they are passed explicitly here).
vim.diagnostic.set(ns, 0, {
  {
    lnum = 1,
    col = 0,
    end_lnum = 1,
    end_col = 10,
    message = "redefinition of unused 'sys'",
    source = "pyflakes",
    code = "F811",
    severity = vim.diagnostic.severity.WARN,
  },
})
vim.api.nvim_win_set_cursor(0, { 2, 0 })
local client = vim.lsp.get_clients({ bufnr = 0, name = "kimi" })[1]
local diagnostics = require("kimi.client").lsp_diagnostics(0, 2, 2, client.offset_encoding)
vim.lsp.buf.code_action({
  context = { diagnostics = diagnostics },
  filter = function(action)
    return vim.startswith(action.title, "Kimi: Fix: ")
  end,
  apply = true,
})
h.wait_ends(2, "the quick fix")
h.accept()
h.obs.after_quick_fix = h.lines()
h.finish()
