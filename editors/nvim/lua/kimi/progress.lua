-- Progress and session cost for the statusline: `$/progress` from the kimi client (through the
-- LspProgress autocmd), a short echo (no message history), and the totals of `kimi.usage`.
local config = require("kimi.config")
local util = require("kimi.client")

local M = {}

---@alias kimi.Progress {title: string, message: string|nil, seq: integer}
---@type table<integer, table<string|integer, kimi.Progress>> by client id, then token
local active = {}
local seq = 0

---@type table|nil the last `kimi.usage` result
M.usage = nil

--- Redraw the status line of every window (`:redrawstatus` alone redraws the current one).
local function redraw()
  pcall(vim.cmd.redrawstatus, { bang = true })
end

---@param text string
local function echo(text)
  if not config.options.progress.echo then
    return
  end
  local notify = require("kimi.notify")
  vim.api.nvim_echo({ { notify.fit(notify.one_line(text), notify.width()) } }, false, {})
end

---@param usage table|nil
---@return string|nil "$0.0123", "cost unknown", or nil without usage
function M.cost_text(usage)
  usage = usage or M.usage
  if type(usage) ~= "table" then
    return nil
  end
  if type(usage.cost) == "string" then -- the server's one money format
    return usage.cost == "unknown" and "cost unknown" or usage.cost
  end
  if util.is_nil(usage.costUsd) then
    return "cost unknown"
  end
  return ("$%.4f"):format(usage.costUsd)
end

--- One line for :KimiUsage.
---@param usage table
---@return string
function M.usage_line(usage)
  local function n(key)
    local value = usage[key]
    return util.is_nil(value) and 0 or value
  end
  local requests = n("requests")
  local parts = {
    ("Kimi: %d request%s"):format(requests, requests == 1 and "" or "s"),
    ("%d prompt + %d completion tokens (%d reasoning)"):format(
      n("promptTokens"),
      n("completionTokens"),
      n("reasoningTokens")
    ),
  }
  local cost = "cost " .. M.cost_text(usage)
  if type(usage.budget) == "string" then
    cost = cost .. (" of a %s budget"):format(usage.budget)
  elseif not util.is_nil(usage.budgetUsd) then
    cost = cost .. (" of a $%.4f budget"):format(usage.budgetUsd)
  end
  parts[#parts + 1] = cost
  if n("webSearchCalls") > 0 then
    parts[#parts + 1] = ("%d web search%s"):format(
      n("webSearchCalls"),
      n("webSearchCalls") == 1 and "" or "es"
    )
  end
  return table.concat(parts, " · ")
end

--- Ask the server for the session totals; keeps them for the statusline.
---@param client vim.lsp.Client
---@param on_done fun(err: table|nil, usage: table|nil)|nil
function M.refresh_usage(client, on_done)
  if client == nil or client:is_stopped() then
    return
  end
  local params = { command = "kimi.usage", arguments = {} }
  client:request("workspace/executeCommand", params, function(err, result)
    if not err and type(result) == "table" then
      M.usage = result
      redraw()
    end
    if on_done then
      on_done(err, result)
    end
  end)
end

--- The LspProgress autocmd callback.
---@param ev table
function M.on_progress(ev)
  local data = ev.data or {}
  local client = vim.lsp.get_client_by_id(data.client_id)
  if client == nil or client.name ~= util.NAME then
    return
  end
  local params = data.params or {}
  local value = params.value
  if type(value) ~= "table" then
    return
  end
  local token = params.token
  active[client.id] = active[client.id] or {}
  local mine = active[client.id]
  if value.kind == "begin" then
    seq = seq + 1
    mine[token] = { title = value.title or "Kimi", message = value.message, seq = seq }
    echo(("%s · %s"):format(mine[token].title, value.message or "working"))
  elseif value.kind == "report" then
    local item = mine[token]
    if item then
      item.message = value.message or item.message
      echo(("%s · %s"):format(item.title, item.message or "working"))
    end
  elseif value.kind == "end" then
    local item = mine[token]
    mine[token] = nil
    echo(("%s · %s"):format(item and item.title or "Kimi", value.message or "done"))
    M.refresh_usage(client)
  end
  redraw()
end

--- The client `client_id` exited (or stopped): its progress will never end, so drop it.
---@param client_id integer
function M.client_exited(client_id)
  if active[client_id] then
    active[client_id] = nil
    redraw()
  end
end

--- What the kimi client is doing now, or nil.
---@return {title: string, message: string|nil}|nil
function M.current()
  local best
  for client_id, items in pairs(active) do
    local client = vim.lsp.get_client_by_id(client_id)
    if client == nil or client:is_stopped() then
      active[client_id] = nil -- a client that exited without a word
    else
      for _, item in pairs(items) do
        if best == nil or item.seq > best.seq then
          best = item
        end
      end
    end
  end
  return best
end

--- For the statusline: "Kimi: explain · writing" while the model works, else "Kimi: 1 change
--- to review · $0.0123" while a proposal waits, else "Kimi $0.0123" once the session has
--- spent something, else "".
---@return string
function M.status()
  local item = M.current()
  if item then
    return ("%s · %s"):format(item.title, item.message or "working")
  end
  local usage = M.usage
  local cost
  if type(usage) == "table" and not util.is_nil(usage.requests) and usage.requests > 0 then
    cost = M.cost_text(usage)
  end
  local proposals = package.loaded["kimi.proposals"]
  local waiting = proposals and proposals.waiting() or 0
  if waiting > 0 then
    local text = ("Kimi: %d change%s to review"):format(waiting, waiting == 1 and "" or "s")
    return cost and (text .. " · " .. cost) or text
  end
  return cost and ("Kimi " .. cost) or ""
end

return M
