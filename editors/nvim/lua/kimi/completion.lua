-- Ghost text (AI completion at the cursor) for kimi-lsp. `require("kimi").setup()` calls
-- setup() unless `completion = { enabled = false }`.
--
-- Neovim 0.12+: the built-in `vim.lsp.inline_completion` (textDocument/inlineCompletion) is
-- enabled for the kimi client, and <Tab> (accept) and <M-]>/<M-[> (cycle) are mapped in the
-- buffers kimi attaches to.
--
-- Neovim 0.11 has no inline completion, so the server's `textDocument/completion` fallback is
-- used instead: `<C-x><C-o>` (an explicit invocation) asks the server, which answers one item
-- with `detail = "Kimi"`, and `<C-y>` accepts it. For that this module
--   * sets 'omnifunc' to `v:lua.vim.lsp.omnifunc` (when the buffer has none of its own, or
--     when `omnifunc = true`);
--   * calls `vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false })`
--     (`lsp_completion = true`, the default). Without it Neovim inserts only the popup's word:
--     it is the CompleteDone handler of vim.lsp.completion that expands a multi-line item (a
--     snippet) whole, and its `convert` hook (M.convert) lets a single-line item insert its
--     whole text rather than the text up to the first space, and keeps the snippet's
--     indentation right.
local M = {}

M.implemented = true

local OMNIFUNC = "v:lua.vim.lsp.omnifunc"

---@class kimi.CompletionOptions
M.defaults = {
  enabled = true,
  -- Neovim 0.12+: insert-mode keys in the buffers kimi attaches to; false to not map one.
  accept_key = "<Tab>", -- accept the suggestion; a literal <Tab> when there is none
  next_key = "<M-]>", -- next suggestion
  prev_key = "<M-[>", -- previous suggestion
  -- Neovim 0.11: nil sets 'omnifunc' only when the buffer has none of its own (or only the
  -- runtime's filetype default); true always; false never.
  omnifunc = nil,
  -- Neovim 0.11: vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false }).
  lsp_completion = true,
}

M.options = vim.deepcopy(M.defaults)

--- Whether this Neovim has the built-in inline completion (0.12+).
---@return boolean
function M.has_inline()
  return vim.lsp.inline_completion ~= nil
end

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

--- vim.lsp.completion's `convert`, for Kimi items only (others are left as they are):
--- * a single-line item inserts its whole text (Neovim 0.11 would insert a plain text edit
---   only up to its first space);
--- * a multi-line item (a snippet) has the server's absolute indentation of its later lines
---   made relative to the cursor line, because vim.snippet.expand() prepends the cursor
---   line's indentation to each of them (Neovim ignores `insertTextMode`).
---@param item lsp.CompletionItem
---@return table
function M.convert(item)
  local edit = item.textEdit
  if item.detail ~= "Kimi" or not edit or not edit.newText then
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

--- Accept the visible inline suggestion (Neovim 0.12+).
---@return boolean accepted false when there was nothing to accept (or on Neovim 0.11)
function M.accept()
  if not M.has_inline() then
    return false
  end
  return vim.lsp.inline_completion.get() == true
end

--- Show the next (count 1) or previous (count -1) suggestion (Neovim 0.12+).
---@param count integer
function M.select(count)
  if M.has_inline() then
    vim.lsp.inline_completion.select({ count = count })
  end
end

---@param bufnr integer
local function map_keys(bufnr)
  local o = M.options
  local function map(lhs, rhs, desc, expr)
    if lhs then
      vim.keymap.set("i", lhs, rhs, { buffer = bufnr, expr = expr, desc = desc })
    end
  end
  map(o.accept_key, function()
    if M.accept() then
      return ""
    end
    return o.accept_key
  end, "Kimi: accept the suggestion", true)
  map(o.next_key, function()
    M.select(1)
  end, "Kimi: next suggestion", false)
  map(o.prev_key, function()
    M.select(-1)
  end, "Kimi: previous suggestion", false)
end

--- Set up ghost text for a buffer the kimi client is attached to.
---@param client vim.lsp.Client
---@param bufnr integer
function M.attach(client, bufnr)
  if M.has_inline() then
    vim.lsp.inline_completion.enable(true, { client_id = client.id })
    map_keys(bufnr)
    return
  end
  local o = M.options
  if o.omnifunc == true or (o.omnifunc == nil and omnifunc_is_free(bufnr)) then
    vim.bo[bufnr].omnifunc = OMNIFUNC
  end
  if o.lsp_completion then
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = false, convert = M.convert })
  end
end

--- Enable ghost text for the kimi client: for the buffers it attaches to from now on, and for
--- those it is attached to already.
---@param opts kimi.CompletionOptions|table|nil
function M.setup(opts)
  M.options = vim.tbl_extend("force", vim.deepcopy(M.defaults), opts or {})
  local group = vim.api.nvim_create_augroup("kimi.completion", { clear = true })
  if M.options.enabled == false or M.options.enable == false then
    return
  end
  vim.api.nvim_create_autocmd("LspAttach", {
    group = group,
    desc = "Kimi: ghost text",
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == "kimi" then
        M.attach(client, ev.buf)
      end
    end,
  })
  for _, client in ipairs(vim.lsp.get_clients({ name = "kimi" })) do
    for bufnr in pairs(client.attached_buffers) do
      M.attach(client, bufnr)
    end
  end
end

return M
