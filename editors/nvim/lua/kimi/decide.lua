-- :KimiAccept, :KimiReject and :KimiUndo, and the client-side handlers of the kimi.accept,
-- kimi.reject and kimi.undo commands (the server's code lens and code actions run them).
--
-- Which proposal: a rewrite of the current buffer when the cursor is in it, or when no
-- change across files waits; else the change across files that waits (:KimiEdit's). With
-- a bang, or file arguments (`:KimiAccept! a.py b.py` accepts only those files), the
-- change across files. :KimiUndo undoes the buffer's last Kimi change; :KimiUndo! the last
-- change across files.
local apply_edit = require("kimi.apply_edit")
local client_util = require("kimi.client")
local notify = require("kimi.notify")
local proposals = require("kimi.proposals")
local review = require("kimi.review")
local undo_group = require("kimi.undo_group")

local M = {}

---@class kimi.Target
---@field kind "rewrite"|"change"|"uri"
---@field id string|nil the proposal id
---@field uri string|nil
---@field bufnr integer|nil
---@field change kimi.Change|nil

--- A kimi client: the buffer's, else any.
---@param bufnr integer
---@return vim.lsp.Client|nil
local function any_client(bufnr)
  local client = client_util.get(bufnr, true) or vim.lsp.get_clients({ name = client_util.NAME })[1]
  if client == nil then
    notify.warn("Kimi: kimi-lsp is not running (see :checkhealth kimi).")
  end
  return client
end

---@param n integer
---@param word string
---@return string
local function count(n, word)
  return ("%d %s%s"):format(n, word, n == 1 and "" or "s")
end

--- "4 files (3 written; unsaved: shop/api.py)" from what the edit wrote.
---@param files integer
---@return string
local function files_line(files)
  local r = apply_edit.take_report() or { written = {}, unsaved = {}, failed = {} }
  local parts = {}
  if #r.written > 0 then
    parts[#parts + 1] = ("%d written"):format(#r.written)
  end
  if #r.unsaved > 0 then
    parts[#parts + 1] = "unsaved: " .. table.concat(r.unsaved, ", ")
  end
  if #r.failed > 0 then
    parts[#parts + 1] = "not written: " .. table.concat(r.failed, ", ")
  end
  local text = count(files, "file")
  return #parts > 0 and (text .. " (" .. table.concat(parts, "; ") .. ")") or text
end

--- The proposal a command in `bufnr` acts on.
---@param bufnr integer
---@param want_change boolean
---@return kimi.Target
local function pending_target(bufnr, want_change)
  local change = proposals.pending_change()
  if not want_change then
    local rewrite = proposals.rewrite_of(bufnr)
    if rewrite and proposals.is_pending(rewrite.state) then
      local row = vim.api.nvim_win_get_cursor(0)[1] - 1
      if change == nil or review.contains(bufnr, row) then
        return { kind = "rewrite", id = rewrite.id, bufnr = bufnr }
      end
    end
  end
  if change then
    return { kind = "change", id = change.id, change = change }
  end
  return { kind = "uri", uri = vim.uri_from_bufnr(bufnr), bufnr = bufnr }
end

---@param target kimi.Target
---@return table
local function argument(target)
  if target.kind == "uri" then
    return { uri = target.uri }
  end
  return { proposalId = target.id }
end

---@param files string[]
---@return string[] uris
local function uris_of(files)
  local out = {}
  for _, file in ipairs(files) do
    out[#out + 1] = vim.uri_from_fname(vim.fn.fnamemodify(vim.fn.expand(file), ":p"))
  end
  return out
end

--- Send kimi.accept or kimi.reject for `target`, then say what happened.
---@param client vim.lsp.Client
---@param command "kimi.accept"|"kimi.reject"
---@param target kimi.Target
---@param arg table|nil
local function decide(client, command, target, arg)
  arg = arg or argument(target)
  local bufnr = target.bufnr
  local rewrite = target.kind ~= "change" and bufnr ~= nil
  if rewrite then
    undo_group.decision_started(bufnr)
  end
  apply_edit.take_report()
  -- (bufnr is nil for a change across files: every buffer's pending didChange is sent first.)
  client_util.execute(client, bufnr, command, arg, function(err, result)
    if rewrite then
      undo_group.decision_ended(bufnr)
    end
    if err or type(result) ~= "table" then
      return
    end
    local change = target.change or (result.files and proposals.change(result.proposalId or ""))
    if command == "kimi.reject" then
      if change then
        proposals.set_change_state(change.id, "rejected")
        require("kimi.changes").decided(change, "rejected")
        notify.info("Kimi: change rejected; nothing was written.")
      else
        notify.info("Kimi: change rejected.")
      end
    elseif result.status == "applied" then
      if change or type(result.files) == "table" then
        local files = type(result.files) == "table" and #result.files or 0
        if change then
          proposals.set_change_state(change.id, "applied")
          require("kimi.changes").decided(change, "applied")
        end
        notify.info(("Kimi: change applied to %s."):format(files_line(files)))
      else
        notify.info("Kimi: change accepted (u undoes it).")
      end
    end
  end)
end

---@param opts table user-command opts
---@param command "kimi.accept"|"kimi.reject"
local function user_decision(opts, command)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = any_client(bufnr)
  if client == nil then
    return
  end
  local files = opts.fargs or {}
  local target = pending_target(bufnr, opts.bang == true or #files > 0)
  local arg = argument(target)
  if #files > 0 then
    if target.kind ~= "change" then
      notify.warn("Kimi: no change across files is waiting for review.")
      return
    end
    arg.uris = uris_of(files)
  end
  decide(client, command, target, arg)
end

---@param opts table
function M.accept(opts)
  user_decision(opts, "kimi.accept")
end

---@param opts table
function M.reject(opts)
  user_decision(opts, "kimi.reject")
end

--- :KimiUndo[!]
---@param opts table
function M.undo(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = any_client(bufnr)
  if client == nil then
    return
  end
  -- The newer of the buffer's accepted rewrite and the last accepted change across files
  -- (with a bang: that change); else let the server find the buffer's.
  local change = proposals.applied_change()
  local rewrite = proposals.rewrite_of(bufnr)
  local rewrite_seq = rewrite and rewrite.state == "applied" and rewrite.seq or nil
  local target
  if change and (opts.bang or rewrite_seq == nil or change.seq > rewrite_seq) then
    target = { kind = "change", id = change.id, change = change }
  else
    target = { kind = "uri", uri = vim.uri_from_bufnr(bufnr), bufnr = bufnr }
  end
  apply_edit.take_report()
  -- (A change across files: no buffer, so every buffer's pending didChange is sent first.)
  client_util.execute(client, target.bufnr, "kimi.undo", argument(target), function(err, result)
    if err or type(result) ~= "table" or result.status ~= "applied" then
      return
    end
    if target.change then
      proposals.set_change_state(target.change.id, "undone")
      require("kimi.changes").decided(target.change, "undone")
      local files = #(target.change.files or {})
      notify.info(("Kimi: change undone in %s."):format(files_line(files)))
    else
      notify.info("Kimi: change undone.")
    end
  end)
end

-- Client-side handlers (the `commands` of lsp/kimi.lua): the code lens "Accept (Kimi) |
-- Reject" and the code actions "Kimi: Accept change" / "Kimi: Reject change" come here, so
-- their edits join the rewrite's undo step and their results are said like the commands'.

---@param command lsp.Command
---@param ctx table
---@return vim.lsp.Client|nil, kimi.Target|nil, table|nil
local function command_target(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local arg = command.arguments and command.arguments[1]
  if client == nil or type(arg) ~= "table" then
    notify.error(("Kimi: %s needs {uri} or {proposalId}."):format(command.command))
    return nil, nil, nil
  end
  local bufnr = type(arg.uri) == "string" and client_util.loaded_buffer(arg.uri) or nil
  local change = type(arg.proposalId) == "string" and proposals.change(arg.proposalId) or nil
  if change then
    return client, { kind = "change", id = change.id, change = change }, arg
  end
  return client, { kind = "rewrite", id = arg.proposalId, bufnr = bufnr or ctx.bufnr }, arg
end

---@param command lsp.Command
---@param ctx table
function M.accept_command(command, ctx)
  local client, target, arg = command_target(command, ctx)
  if client and target then
    decide(client, "kimi.accept", target, arg)
  end
end

---@param command lsp.Command
---@param ctx table
function M.reject_command(command, ctx)
  local client, target, arg = command_target(command, ctx)
  if client and target then
    decide(client, "kimi.reject", target, arg)
  end
end

---@param command lsp.Command
---@param ctx table
function M.undo_command(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local arg = command.arguments and command.arguments[1]
  if client and type(arg) == "table" then
    client_util.execute(client, ctx.bufnr, "kimi.undo", arg, function(err, result)
      if not err and type(result) == "table" and result.status == "applied" then
        notify.info("Kimi: change undone.")
      end
    end)
  end
end

return M
