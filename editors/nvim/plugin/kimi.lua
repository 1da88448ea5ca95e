-- Loaded at startup when editors/nvim is on 'runtimepath': the :Kimi* commands, the
-- progress autocmd and ghost text with its default options (unless setup() was called
-- already). The LSP client starts with vim.lsp.enable("kimi") (or setup()).
if vim.g.loaded_kimi then
  return
end
vim.g.loaded_kimi = 1
if vim.fn.has("nvim-0.11") == 0 then
  return
end
require("kimi").create()
require("kimi.completion").setup_default()
