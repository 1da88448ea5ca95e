-- Ghost text (inline completion) for kimi-lsp.
--
-- TODO(ghost-text): not wired yet. Another change will implement it here: on Neovim 0.12
-- through vim.lsp.inline_completion, on 0.11 with `textDocument/inlineCompletion` requests
-- and extmarks. Until then every function is a no-op, so calling it is always safe.
local M = {}

M.implemented = false

--- TODO(ghost-text): enable inline suggestions for the kimi client.
---@param _opts table|nil
function M.setup(_opts) end

--- TODO(ghost-text): accept the visible suggestion; returns false (nothing was accepted).
---@return boolean
function M.accept()
  return false
end

return M
