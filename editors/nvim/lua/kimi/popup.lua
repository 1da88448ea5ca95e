-- The completion-menu fallback of ghost text on Neovim 0.11: the server answers an explicit
-- `textDocument/completion` (<C-x><C-o>) with one item marked Kimi, and <C-y> inserts it.
--   * 'omnifunc' is set to `v:lua.vim.lsp.omnifunc` when the buffer has none of its own (or
--     only the runtime's filetype default), or always with `omnifunc = true`;
--   * `vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false })`
--     (`lsp_completion = true`, the default). Without it Neovim inserts only the menu's word:
--     it is the CompleteDone handler of vim.lsp.completion that expands a multi-line item (a
--     snippet) whole, and its `convert` hook (M.convert) lets a single-line item insert its
--     whole text rather than the text up to the first space, and keeps the snippet's
--     indentation right.
local M = {}

local OMNIFUNC = "v:lua.vim.lsp.omnifunc"

--- Whether the buffer's 'omnifunc' is empty, already LSP's, or only the runtime's default
--- (a filetype plugin of $VIMRUNTIME), as Neovim's own LSP defaults decide.
---@param bufnr integer
---@return boolean
local function omnifunc_is_free(bufnr)
  local current = vim.bo[bufnr].omnifunc
  if current == "" or current == OMNIFUNC then
    return true
  end
  local info = vim.api.nvim_get_option_info2("omnifunc", { buf = bufnr })
  if not info.last_set_sid or info.last_set_sid <= 0 then
    return false
  end
  local script = vim.fn.getscriptinfo({ sid = info.last_set_sid })[1]
  return script ~= nil and vim.startswith(script.name, vim.fn.expand("$VIMRUNTIME"))
end

--- vim.lsp.completion's `convert`, for Kimi items only (detail "Kimi", or "Kimi · 2 more
--- lines"; others are left as they are):
--- * a single-line item inserts its whole text (Neovim 0.11 would insert a plain text edit
---   only up to its first space);
--- * a multi-line item (a snippet) has the server's absolute indentation of its later lines
---   made relative to the cursor line, because vim.snippet.expand() prepends the cursor
---   line's indentation to each of them (Neovim ignores `insertTextMode`).
---@param item lsp.CompletionItem
---@return table
function M.convert(item)
  local edit = item.textEdit
  local detail = type(item.detail) == "string" and item.detail or ""
  if not detail:match("^Kimi") or not edit or not edit.newText then
    return {}
  end
  if not edit.newText:find("\n", 1, true) then
    if item.insertTextFormat ~= vim.lsp.protocol.InsertTextFormat.Snippet then
      return { word = edit.newText }
    end
    return {}
  end
  local indent = vim.api.nvim_get_current_line():match("^%s*") or ""
  if indent ~= "" then
    local lines = vim.split(edit.newText, "\n", { plain = true })
    for i = 2, #lines do
      if vim.startswith(lines[i], indent) then
        lines[i] = lines[i]:sub(#indent + 1)
      end
    end
    edit.newText = table.concat(lines, "\n") -- the item is the one CompleteDone expands
  end
  return {}
end

--- Set up the completion-menu fallback in a buffer the kimi client is attached to.
---@param client vim.lsp.Client
---@param bufnr integer
---@param options {omnifunc: boolean|nil, lsp_completion: boolean|nil}
function M.attach(client, bufnr, options)
  if options.omnifunc == true or (options.omnifunc == nil and omnifunc_is_free(bufnr)) then
    vim.bo[bufnr].omnifunc = OMNIFUNC
  end
  if options.lsp_completion ~= false then
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false, convert = M.convert })
  end
end

return M
