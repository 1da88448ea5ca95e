-- Loaded at startup when editors/nvim is on 'runtimepath': the :Kimi* commands and the
-- progress autocmd. The LSP client starts with vim.lsp.enable("kimi") (or setup()).
if vim.g.loaded_kimi then
  return
end
vim.g.loaded_kimi = 1
if vim.fn.has("nvim-0.11") == 0 then
  return
end
require("kimi").create()
