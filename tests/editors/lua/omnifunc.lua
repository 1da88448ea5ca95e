-- require("kimi").setup() on Neovim 0.11: the 'omnifunc' of the buffers kimi attaches to,
-- for a buffer without its own and for one whose user set another omnifunc.
local h = require("harness")
local client = h.client()
local OMNIFUNC = "v:lua.vim.lsp.omnifunc"

--- What ghost text set up in a buffer: its omnifunc, and whether vim.lsp.completion (whose
--- CompleteDone handler expands the Kimi snippet on <C-y>) is enabled there.
local function state(bufnr)
  local ok, autocmds = pcall(vim.api.nvim_get_autocmds, {
    group = ("nvim.lsp.completion_%d"):format(bufnr),
    event = "CompleteDone",
  })
  return { omnifunc = vim.bo[bufnr].omnifunc, lsp_completion = ok and #autocmds > 0 }
end

h.obs.has_inline = vim.lsp.inline_completion ~= nil
h.obs.first = state(vim.api.nvim_get_current_buf())
h.obs.augroup = #vim.api.nvim_get_autocmds({ group = "kimi.completion" })

-- The user's own omnifunc (set globally, so other.txt has it before kimi attaches; text
-- files have no filetype default).
vim.go.omnifunc = "syntaxcomplete#Complete"
vim.cmd.edit("other.txt")
local other = vim.api.nvim_get_current_buf()
h.wait(20000, function()
  return client.attached_buffers[other] == true
end, "kimi to attach to other.txt")
h.wait(2000, function()
  return vim.bo[other].omnifunc ~= ""
end, "the omnifunc")
h.obs.other = state(other)
h.obs.ours = h.obs.other.omnifunc == OMNIFUNC
h.finish()
