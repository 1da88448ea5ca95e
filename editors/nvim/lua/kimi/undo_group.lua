-- One step of Neovim's undo for a whole rewrite. The server writes a rewrite as many
-- `workspace/applyEdit` requests (the proposed lines stream in above the original, then
-- accepting removes the original, or rejecting the proposed lines), and Neovim makes each
-- one its own undo block: `u` after accepting would take one press per streamed edit,
-- through half-written states. So the kimi applyEdit handler runs `:undojoin` before each
-- edit of a rewrite under way in that buffer (from the kimi.refactor / kimi.fix request,
-- through the kimi/proposal notifications, to the answer of kimi.accept / kimi.reject),
-- except the rewrite's first edit, which starts the step.
--
-- An edit joins only when nothing else made an undo block in the buffer since the
-- rewrite's last edit (the undo tree's `seq_last` and `seq_cur` are as that edit left
-- them): `:undojoin` joins with whatever block came last, and the user's typing between
-- two streamed edits must stay the user's own step. A rewrite interrupted by typing (or by
-- an undo) is therefore two or more steps; the typing itself is never merged into Kimi's.
-- After a reject, failure or cancel the step changes nothing (what was inserted was
-- removed in it), so `u` cannot bring the proposed lines back.
local M = {}

---@class kimi.UndoGroup
---@field rewriting integer kimi.refactor / kimi.fix requests in flight
---@field deciding integer kimi.accept / kimi.reject requests in flight
---@field pending boolean the last kimi/proposal said a rewrite is pending
---@field mark {last: integer, cur: integer}|nil the undo tree after the group's last edit

---@type table<integer, kimi.UndoGroup> by buffer
local groups = {}

---@param bufnr integer
---@return kimi.UndoGroup
local function group(bufnr)
  local g = groups[bufnr]
  if g == nil then
    g = { rewriting = 0, deciding = 0, pending = false }
    groups[bufnr] = g
  end
  return g
end

---@param g kimi.UndoGroup
---@return boolean
local function active(g)
  return g.rewriting > 0 or g.deciding > 0 or g.pending
end

---@param bufnr integer
local function tidy(bufnr)
  local g = groups[bufnr]
  if g and not active(g) then
    groups[bufnr] = nil
  end
end

---@param bufnr integer
---@return {last: integer, cur: integer}
local function undo_state(bufnr)
  local tree = vim.fn.undotree(bufnr)
  return { last = tree.seq_last, cur = tree.seq_cur }
end

--- A kimi.refactor or kimi.fix request for `bufnr` was sent: its first edit starts a step.
---@param bufnr integer
function M.rewrite_started(bufnr)
  local g = group(bufnr)
  g.rewriting = g.rewriting + 1
  g.mark = nil
end

--- ... and answered (or failed, or was cancelled).
---@param bufnr integer
function M.rewrite_ended(bufnr)
  local g = groups[bufnr]
  if g then
    g.rewriting = math.max(0, g.rewriting - 1)
    tidy(bufnr)
  end
end

--- A kimi.accept or kimi.reject request for the buffer's rewrite was sent.
---@param bufnr integer
function M.decision_started(bufnr)
  local g = group(bufnr)
  g.deciding = g.deciding + 1
end

---@param bufnr integer
function M.decision_ended(bufnr)
  local g = groups[bufnr]
  if g then
    g.deciding = math.max(0, g.deciding - 1)
    tidy(bufnr)
  end
end

--- A kimi/proposal notification for the buffer's rewrite: still pending or not.
---@param bufnr integer
---@param pending boolean
function M.proposal(bufnr, pending)
  if pending then
    group(bufnr).pending = true
    return
  end
  local g = groups[bufnr]
  if g then
    g.pending = false
    g.mark = nil -- the next rewrite starts its own step
    tidy(bufnr)
  end
end

--- Forget a buffer (unloaded), or every buffer (the server exited).
---@param bufnr integer|nil
function M.forget(bufnr)
  if bufnr == nil then
    groups = {}
  else
    groups[bufnr] = nil
  end
end

--- Whether the next edit of `bufnr` joins the step of the rewrite under way.
---@param bufnr integer
---@return boolean
function M.joins(bufnr)
  local g = groups[bufnr]
  if g == nil or not active(g) or g.mark == nil then
    return false
  end
  local now = undo_state(bufnr)
  return now.last == g.mark.last and now.cur == g.mark.cur and now.cur == now.last
end

--- Apply `apply` (an edit of `bufnr` alone) as part of the rewrite's undo step when it
--- belongs to one; returns what `apply` returns.
---@generic T
---@param bufnr integer
---@param apply fun(): T
---@return T
function M.apply(bufnr, apply)
  local g = groups[bufnr]
  if g == nil or not active(g) then
    return apply()
  end
  local join = M.joins(bufnr)
  local tick = vim.b[bufnr].changedtick
  local result
  vim.api.nvim_buf_call(bufnr, function()
    if join then
      pcall(vim.cmd, "undojoin") -- refused right after an undo: then a step of its own
    end
    result = apply()
  end)
  if vim.api.nvim_buf_is_valid(bufnr) and vim.b[bufnr].changedtick ~= tick then
    g.mark = undo_state(bufnr) -- (an edit that changed nothing leaves the mark where it was)
  end
  return result
end

return M
