-- :KimiEditDiff [file]: one file of the change waiting for review, in a new tab, in diff mode:
-- its text now (left; empty for a new file) against its proposed text (right), both in
-- read-only scratch buffers. Which file: the argument, else the quickfix entry under the
-- cursor (in the quickfix window), else the current buffer when the change touches it,
-- else the change's first file. `q` closes the tab.
local change_text = require("kimi.change_text")
local changes = require("kimi.changes")
local notify = require("kimi.notify")
local proposals = require("kimi.proposals")

local M = {}

---@param change kimi.Change
---@param uri string
---@return table|nil
local function file_of(change, uri)
  for _, f in ipairs(change.files or {}) do
    if f.uri == uri then
      return f
    end
  end
  return nil
end

--- The file of `change` the user means.
---@param change kimi.Change
---@param arg string
---@return table|nil
local function choose(change, arg)
  if arg ~= "" then
    return file_of(change, vim.uri_from_fname(vim.fn.fnamemodify(vim.fn.expand(arg), ":p")))
  end
  if vim.bo.buftype == "quickfix" then
    local items = vim.fn.getqflist()
    local item = items[vim.fn.line(".")]
    if item and item.bufnr > 0 then
      local found = file_of(change, vim.uri_from_bufnr(item.bufnr))
      if found then
        return found
      end
    end
  elseif vim.bo.buftype == "" then
    local found = file_of(change, vim.uri_from_bufnr(0))
    if found then
      return found
    end
  end
  return change.files and change.files[1] or nil
end

--- A read-only scratch buffer named `name` holding `lines`.
---@param name string
---@param lines string[]
---@param filetype string|nil
---@return integer
local function scratch(name, lines, filetype)
  local old = vim.fn.bufnr(name)
  if old > 0 then
    pcall(vim.api.nvim_buf_delete, old, { force = true })
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.api.nvim_buf_set_name(buf, name)
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].modifiable = false
  if filetype then
    vim.bo[buf].filetype = filetype
  end
  vim.keymap.set("n", "q", "<Cmd>tabclose<CR>", {
    buffer = buf,
    nowait = true,
    desc = "Close the Kimi diff",
  })
  return buf
end

--- :KimiEditDiff [file]
---@param opts table user-command opts
function M.open(opts)
  local id = changes.quickfix_change()
  local change = (id and proposals.change(id)) or proposals.pending_change()
  if change and not proposals.is_pending(change.state) and change.state ~= "applied" then
    change = proposals.pending_change()
  end
  if change == nil or change.files == nil or #change.files == 0 then
    notify.warn("Kimi: no change across files to show (run :KimiEdit first).")
    return
  end
  local file = choose(change, vim.trim(opts.args or ""))
  if file == nil then
    notify.warn("Kimi: that file is not part of the change.")
    return
  end
  local client = vim.lsp.get_client_by_id(change.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local path = vim.uri_to_fname(file.uri)
  local before = file.kind == "create" and {} or change_text.lines(file.uri)
  local after = change_text.apply(before, file.edits or {}, encoding)
  local relative = vim.fn.fnamemodify(path, ":~:.")
  local filetype = vim.filetype.match({ filename = path })
  vim.cmd("tabnew")
  local empty = vim.api.nvim_get_current_buf()
  local left = scratch(
    ("kimi://%s (%s)"):format(relative, file.kind == "create" and "new file" or "now"),
    before,
    filetype
  )
  vim.api.nvim_win_set_buf(0, left)
  if vim.api.nvim_buf_is_valid(empty) and empty ~= left then
    pcall(vim.api.nvim_buf_delete, empty, { force = true })
  end
  vim.cmd("diffthis")
  vim.cmd("rightbelow vsplit")
  local right = scratch(("kimi://%s (proposed)"):format(relative), after, filetype)
  vim.api.nvim_win_set_buf(0, right)
  vim.cmd("diffthis")
end

return M
