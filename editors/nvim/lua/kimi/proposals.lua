-- What the server said about Kimi's proposals (`kimi/proposal`), and which one a command
-- acts on.
--   * A rewrite (kimi.refactor / kimi.fix): `{uri, proposalId, kind, state, version,
--     proposed, original, message?}`. It is drawn in its buffer (review.lua) while pending
--     (`streaming`, `proposed`, `stopped`) and cleared once `applied`, `undone`,
--     `rejected`, `failed` or `cancelled`.
--   * A change across files (kimi.edit): `{proposalId, kind = "edit", state, files,
--     message?}`. Its edits come with kimi.edit's answer (changes.lua keeps them).
local client_util = require("kimi.client")
local line_log = require("kimi.line_log")
local review = require("kimi.review")
local undo_group = require("kimi.undo_group")

local M = {}

local PENDING = { streaming = true, proposed = true, stopped = true }

---@class kimi.Rewrite
---@field id string
---@field uri string
---@field kind string
---@field state string
---@field message string|nil
---@field client_id integer
---@field seq integer|nil when it was accepted, among all accepted proposals

---@class kimi.Change
---@field id string
---@field state string
---@field files {uri: string, kind: string, edits: table[]|nil}[]
---@field message string|nil
---@field seq integer
---@field client_id integer

---@type table<string, kimi.Rewrite> the last rewrite of each document, by uri
local rewrites = {}
---@type table<string, kimi.Change> by proposal id
local changes = {}
local seq = 0

---@param state string|nil
---@return boolean
function M.is_pending(state)
  return PENDING[state or ""] == true
end

---@param p table
---@param ctx table
local function on_rewrite(p, ctx)
  local uri = p.uri
  local pending = M.is_pending(p.state)
  local known = rewrites[uri]
  local rewrite = {
    id = p.proposalId,
    uri = uri,
    kind = p.kind,
    state = p.state,
    message = p.message,
    client_id = ctx.client_id,
    seq = known and known.id == p.proposalId and known.seq or nil,
  }
  if p.state == "applied" and rewrite.seq == nil then
    seq = seq + 1
    rewrite.seq = seq -- for :KimiUndo, which undoes the newest accepted change
  end
  rewrites[uri] = rewrite
  local bufnr = client_util.loaded_buffer(uri)
  if bufnr == nil then
    return
  end
  undo_group.proposal(bufnr, pending)
  if not pending then
    line_log.unwatch(bufnr)
    review.clear(bufnr)
    return
  end
  line_log.watch(bufnr)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local version = require("kimi.apply_edit").buffer_version(bufnr)
  if type(p.proposed) ~= "table" or type(p.original) ~= "table" or type(p.version) ~= "number" then
    return
  end
  if p.version ~= version then
    -- You typed since the server sent it: place its ranges where those lines are now.
    local proposed = line_log.range_now(bufnr, p.proposed, p.version)
    local original = line_log.range_now(bufnr, p.original, p.version)
    if proposed == nil or original == nil then
      if review.shows(bufnr, p.proposalId) then
        review.hint_at(bufnr, p) -- the marks moved with the text
      end
      return
    end
    p = vim.tbl_extend("force", p, { proposed = proposed, original = original })
  end
  review.draw(bufnr, p, encoding)
end

---@param p table
---@param ctx table
local function on_change(p, ctx)
  local change = changes[p.proposalId]
  if change == nil then
    seq = seq + 1
    change = { id = p.proposalId, files = {}, seq = seq, client_id = ctx.client_id }
    changes[p.proposalId] = change
  end
  if p.state == "applied" and change.state ~= "applied" then
    seq = seq + 1
    change.seq = seq -- accepted now: the newest for :KimiUndo
  end
  change.state = p.state
  change.message = client_util.is_nil(p.message) and change.message or p.message
  if type(p.files) == "table" and #change.files == 0 then
    change.files = vim.deepcopy(p.files)
  end
end

--- The handler for `kimi/proposal`.
function M.handler(_, params, ctx)
  if type(params) ~= "table" or type(params.proposalId) ~= "string" then
    return
  end
  if params.kind == "edit" then
    on_change(params, ctx)
  elseif type(params.uri) == "string" then
    on_rewrite(params, ctx)
  end
  pcall(vim.cmd.redrawstatus, { bang = true })
end

--- Keep a change's edits (kimi.edit's answer) and its state.
---@param result table kimi.edit's answer
---@param client_id integer
---@return kimi.Change
function M.remember_change(result, client_id)
  local change = changes[result.proposalId]
  if change == nil then
    seq = seq + 1
    change = { id = result.proposalId, seq = seq, client_id = client_id }
    changes[result.proposalId] = change
  end
  change.files = vim.deepcopy(result.files or {})
  change.message = client_util.is_nil(result.message) and change.message or result.message
  if change.state == nil or result.status == "applied" then
    change.state = result.status
  end
  return change
end

--- A change was decided by a command's answer (before or without its notification).
---@param id string
---@param state string
function M.set_change_state(id, state)
  local change = changes[id]
  if change then
    if state == "applied" and change.state ~= "applied" then
      seq = seq + 1
      change.seq = seq
    end
    change.state = state
  end
end

--- The rewrite of `bufnr`'s document the server last spoke of (any state), or nil.
---@param bufnr integer
---@return kimi.Rewrite|nil
function M.rewrite_of(bufnr)
  return rewrites[vim.uri_from_bufnr(bufnr)]
end

--- The newest change across files in one of `states`, or nil.
---@param states table<string, boolean>
---@return kimi.Change|nil
local function newest(states)
  local best
  for _, change in pairs(changes) do
    if states[change.state or ""] and (best == nil or change.seq > best.seq) then
      best = change
    end
  end
  return best
end

---@return kimi.Change|nil
function M.pending_change()
  return newest({ streaming = true, proposed = true })
end

---@return kimi.Change|nil
function M.applied_change()
  return newest({ applied = true })
end

---@param id string
---@return kimi.Change|nil
function M.change(id)
  return changes[id]
end

--- Whether `change` touches the document of `bufnr`.
---@param change kimi.Change
---@param bufnr integer
---@return boolean
function M.touches(change, bufnr)
  local uri = vim.uri_from_bufnr(bufnr)
  for _, f in ipairs(change.files or {}) do
    if f.uri == uri then
      return true
    end
  end
  return false
end

--- How many proposals wait for review (a rewrite of any buffer, a change across files).
---@return integer
function M.waiting()
  local n = 0
  for _, r in pairs(rewrites) do
    if r.state == "proposed" or r.state == "stopped" then
      n = n + 1
    end
  end
  for _, c in pairs(changes) do
    if c.state == "proposed" then
      n = n + 1
    end
  end
  return n
end

--- The client `client_id` exited: its proposals are gone with it.
---@param client_id integer
function M.client_exited(client_id)
  for uri, r in pairs(rewrites) do
    if r.client_id == client_id then
      rewrites[uri] = nil
      local bufnr = client_util.loaded_buffer(uri)
      if bufnr then
        review.clear(bufnr)
        undo_group.forget(bufnr)
        line_log.unwatch(bufnr)
      end
    end
  end
  for id, c in pairs(changes) do
    if c.client_id == client_id then
      changes[id] = nil
    end
  end
end

return M
