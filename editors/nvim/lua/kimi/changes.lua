-- :KimiEdit {instruction}: a change across files (`kimi.edit`). The model reads and proposes
-- while the statusline shows what it does; nothing is written until you accept. The
-- proposal becomes a quickfix list with one entry per changed hunk (file:line: what
-- changes), :KimiEditDiff shows a file against its proposed text, :KimiAccept / :KimiReject
-- decide and :KimiUndo! undoes the whole change (decide.lua).
local change_text = require("kimi.change_text")
local client_util = require("kimi.client")
local config = require("kimi.config")
local notify = require("kimi.notify")
local proposals = require("kimi.proposals")
local stream = require("kimi.stream")

local M = {}

local SEVERITY_FIRST = function(a, b)
  return (a.severity or 4) < (b.severity or 4)
end

--- The problems Neovim shows in loaded buffers (the current one first, then by severity),
--- at most `limit`, as LSP diagnostics by URI.
---@param bufnr integer
---@param encoding string
---@param limit integer
---@return table<string, lsp.Diagnostic[]>|nil
function M.diagnostics(bufnr, encoding, limit)
  local buffers = { bufnr }
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if b ~= bufnr and vim.api.nvim_buf_is_loaded(b) and vim.bo[b].buftype == "" then
      buffers[#buffers + 1] = b
    end
  end
  local out, n = {}, 0
  for _, b in ipairs(buffers) do
    local found = vim.diagnostic.get(b)
    table.sort(found, SEVERITY_FIRST)
    for _, d in ipairs(found) do
      if n >= limit then
        break
      end
      local uri = vim.uri_from_bufnr(b)
      out[uri] = out[uri] or {}
      table.insert(out[uri], client_util.lsp_diagnostic(b, d, encoding))
      n = n + 1
    end
  end
  return n > 0 and out or nil
end

--- The quickfix items of a change: one per edit (a new file: one entry).
---@param change kimi.Change
---@param encoding string
---@return table[]
function M.items(change, encoding)
  local items = {}
  for _, file in ipairs(change.files or {}) do
    local path = vim.uri_to_fname(file.uri)
    if file.kind == "create" then
      local text = (file.edits and file.edits[1] and file.edits[1].newText) or ""
      local lines = select(2, text:gsub("\n", ""))
      if text ~= "" and text:sub(-1) ~= "\n" then
        lines = lines + 1
      end
      items[#items + 1] = {
        filename = path,
        lnum = 1,
        col = 1,
        text = ("new file (%d line%s)"):format(lines, lines == 1 and "" or "s"),
      }
    else
      local lines = change_text.lines(file.uri)
      for _, edit in ipairs(file.edits or {}) do
        items[#items + 1] = {
          filename = path,
          lnum = edit.range.start.line + 1,
          col = change_text.byte_col(lines, edit.range.start, encoding) + 1,
          text = change_text.describe(lines, edit, encoding),
        }
      end
    end
  end
  return items
end

--- The quickfix list's title for a change in `state`.
---@param change kimi.Change
---@param state string|nil
---@return string
local function title(change, state)
  local summary = notify.one_line(change.message or "")
  local head = state and state ~= "proposed" and ("Kimi (" .. state .. ")") or "Kimi"
  return summary ~= "" and (head .. ": " .. summary) or head
end

--- Show a proposed change as the quickfix list (opened without leaving this window).
---@param change kimi.Change
---@param encoding string
function M.show(change, encoding)
  vim.fn.setqflist({}, " ", {
    title = title(change, "proposed"),
    items = M.items(change, encoding),
    context = { kimi = { proposalId = change.id } },
  })
  if config.options.edit.open_quickfix then
    local win = vim.api.nvim_get_current_win()
    vim.cmd("botright copen")
    if vim.api.nvim_win_is_valid(win) then
      vim.api.nvim_set_current_win(win)
    end
  end
end

--- The change was accepted, rejected or undone: say so in its quickfix list's title.
---@param change kimi.Change
---@param state string
function M.decided(change, state)
  local list = vim.fn.getqflist({ id = 0, context = 0 })
  local context = type(list.context) == "table" and list.context.kimi or nil
  if type(context) == "table" and context.proposalId == change.id then
    vim.fn.setqflist({}, "a", { id = list.id, title = title(change, state) })
  end
end

--- The proposal id of the current quickfix list, when it is a Kimi change.
---@return string|nil
function M.quickfix_change()
  local list = vim.fn.getqflist({ context = 0 })
  local context = type(list.context) == "table" and list.context.kimi or nil
  return type(context) == "table" and context.proposalId or nil
end

---@param client vim.lsp.Client
---@param result table kimi.edit's answer
local function on_result(client, result)
  local status = result.status
  local message = client_util.is_nil(result.message) and "" or tostring(result.message)
  if status == "proposed" then
    local change = proposals.remember_change(result, client.id)
    M.show(change, client.offset_encoding)
    local files = #(change.files or {})
    notify.info(
      ("Kimi: %d file%s to review (:KimiEditDiff, :KimiAccept, :KimiReject)."):format(
        files,
        files == 1 and "" or "s"
      )
    )
  elseif status == "applied" then
    local change = proposals.remember_change(result, client.id)
    M.show(change, client.offset_encoding)
    local r = require("kimi.apply_edit").take_report()
    local unsaved = r and #r.unsaved > 0 and (" (unsaved: " .. table.concat(r.unsaved, ", ") .. ")")
      or ""
    notify.info(("Kimi: change applied to %d files%s."):format(#(change.files or {}), unsaved))
  elseif status == "unchanged" then
    notify.info("Kimi: no change was proposed. " .. message)
  elseif status == "cancelled" then
    notify.info("Kimi: the change was cancelled; nothing was changed.")
  else
    notify.error(message ~= "" and client_util.with_prefix(message) or "Kimi: the change failed.")
  end
end

--- Send kimi.edit.
---@param client vim.lsp.Client
---@param bufnr integer
---@param arg table
function M.start(client, bufnr, arg)
  arg.streamId = stream.new_id()
  require("kimi.apply_edit").take_report()
  client_util.execute(client, bufnr, "kimi.edit", arg, function(err, result)
    if not err and type(result) == "table" then
      on_result(client, result)
    end
  end)
end

--- :[range]KimiEdit {instruction}: asks for the instruction when none is given.
---@param opts table user-command opts
function M.edit(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_util.get(bufnr)
  if client == nil then
    return
  end
  local encoding = client.offset_encoding
  local arg = { uri = vim.uri_from_bufnr(bufnr) }
  if opts.range and opts.range > 0 then
    arg.range = client_util.command_range(bufnr, opts, encoding)
  end
  arg.diagnostics = M.diagnostics(bufnr, encoding, config.options.edit.max_diagnostics)
  local instruction = vim.trim(opts.args or "")
  if instruction ~= "" then
    arg.instruction = instruction
    M.start(client, bufnr, arg)
    return
  end
  vim.ui.input({ prompt = "Kimi edit: " }, function(input)
    if input ~= nil and vim.trim(input) ~= "" then
      arg.instruction = vim.trim(input)
      M.start(client, bufnr, arg)
    end
  end)
end

return M
