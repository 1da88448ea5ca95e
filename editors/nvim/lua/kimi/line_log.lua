-- The line changes of a buffer since a version, to place what the server described at that
-- version. A `kimi/proposal` carries its ranges at the version the server knew; when you
-- typed since (above the proposal, say), its lines moved. Each change is kept as
-- `{tick, first, last, new_last}` (nvim_buf_attach's on_lines) while a proposal is under way.
local M = {}

local MAX_ENTRIES = 1000

---@class kimi.LineLog
---@field since integer the changedtick when watching started
---@field entries {tick: integer, first: integer, last: integer, new_last: integer}[]

---@type table<integer, kimi.LineLog>
local logs = {}

--- Keep the line changes of `bufnr` from now on (until unwatch).
---@param bufnr integer
function M.watch(bufnr)
  if logs[bufnr] or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  logs[bufnr] = { since = vim.b[bufnr].changedtick, entries = {} }
  vim.api.nvim_buf_attach(bufnr, false, {
    on_lines = function(_, buf, tick, first, last, new_last)
      local log = logs[buf]
      if log == nil then
        return true -- detach
      end
      table.insert(log.entries, { tick = tick, first = first, last = last, new_last = new_last })
      if #log.entries > MAX_ENTRIES then
        table.remove(log.entries, 1)
        log.since = log.entries[1].tick - 1
      end
    end,
    on_reload = function(_, buf)
      logs[buf] = nil -- the whole text was read again: nothing maps across it
    end,
    on_detach = function(_, buf)
      logs[buf] = nil
    end,
  })
end

---@param bufnr integer
function M.unwatch(bufnr)
  logs[bufnr] = nil
end

--- Where 0-based line `line` at version `version` is now; nil when the log does not reach
--- back that far.
---@param bufnr integer
---@param line integer
---@param version integer
---@return integer|nil
function M.line_now(bufnr, line, version)
  local log = logs[bufnr]
  if log == nil or version < log.since then
    return nil
  end
  for _, e in ipairs(log.entries) do
    if e.tick > version then
      if line >= e.last then
        line = line + (e.new_last - e.last)
      elseif line > e.first then
        line = math.min(line, e.new_last) -- inside the changed lines: keep it within them
      end
    end
  end
  return line
end

--- `range` (at `version`) as it is now; nil when it cannot be told.
---@param bufnr integer
---@param range lsp.Range
---@param version integer
---@return lsp.Range|nil
function M.range_now(bufnr, range, version)
  local first = M.line_now(bufnr, range.start.line, version)
  local last = M.line_now(bufnr, range["end"].line, version)
  if first == nil or last == nil then
    return nil
  end
  return {
    start = { line = first, character = range.start.character },
    ["end"] = { line = math.max(first, last), character = range["end"].character },
  }
end

return M
