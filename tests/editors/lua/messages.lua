-- With a UI 50 columns wide attached (ui_watch.lua), every message Kimi gives stays on one
-- line: a failed rewrite, a rewrite stopped by typing in it, then rejected, a cancelled one,
-- a refused new rewrite while a proposal waits, an accepted one, a refused accept. Last, a
-- control: a long echo that must ask "Press ENTER" once (so the watcher is seen to work).
local h = require("harness")
h.client()
local bufnr = vim.api.nvim_get_current_buf()

-- Counts of each state when the last step ran: a step waits for one more.
local counts = {}
local function snapshot()
  for _, state in ipairs({ "streaming", "proposed", "stopped", "rejected", "cancelled" }) do
    counts[state] = h.count_state(state)
  end
  counts.applied = h.count_state("applied")
end
local function state_count(state)
  return function()
    return h.count_state(state) > (counts[state] or 0)
  end
end

-- The first streamed line of a rewrite, in the stop scenario: typed over by the user.
local stop_armed = false
table.insert(h.proposal_hooks, function(p)
  if stop_armed and p.state == "streaming" and p.proposed.start.line < p.proposed["end"].line then
    stop_armed = false
    local row = p.proposed.start.line
    vim.api.nvim_buf_set_text(bufnr, row, 4, row, 4, { "mine_" }) -- def mine_greet(name):
  end
end)

local said = 0
local function notified(n)
  return function()
    return #h.obs.notifications >= n
  end
end

h.steps({
  {
    what = "the UI",
    wait = function()
      return #vim.api.nvim_list_uis() > 0
    end,
    run = function()
      h.obs.columns = vim.o.columns
      snapshot()
      vim.cmd("6,7KimiRefactor use an f-string") -- 1: the model answers 401
    end,
  },
  {
    what = "the failure message",
    wait = notified(1),
    run = function()
      said = #h.obs.notifications
      stop_armed = true
      snapshot()
      vim.cmd("6,7KimiRefactor use an f-string") -- 2: stopped by typing in it
    end,
  },
  {
    what = "the stop",
    wait = state_count("stopped"),
    run = function()
      snapshot()
      vim.cmd("KimiReject")
    end,
  },
  {
    what = "the rejection",
    wait = state_count("rejected"),
    run = function()
      snapshot()
      vim.cmd("6,7KimiRefactor use an f-string") -- 3: cancelled while it streams
    end,
  },
  {
    what = "the cancel's stream",
    wait = state_count("streaming"),
    run = function()
      vim.cmd("KimiCancel")
    end,
  },
  {
    what = "the cancellation",
    wait = state_count("cancelled"),
    run = function()
      snapshot()
      vim.cmd("6,7KimiRefactor use an f-string") -- 4: proposed
    end,
  },
  {
    what = "the proposal",
    wait = state_count("proposed"),
    run = function()
      said = #h.obs.notifications
      vim.cmd("6,7KimiRefactor again") -- refused: a proposal waits
    end,
  },
  {
    what = "the refusal",
    wait = function()
      return #h.obs.notifications > said
    end,
    run = function()
      snapshot()
      vim.cmd("KimiAccept")
    end,
  },
  {
    what = "the acceptance",
    wait = state_count("applied"),
    run = function()
      said = #h.obs.notifications
      vim.cmd("KimiAccept") -- nothing to accept
    end,
  },
  {
    what = "the refused accept",
    wait = function()
      return #h.obs.notifications > said
    end,
  },
  {
    what = "a redraw",
    wait = function()
      vim.cmd("redraw")
      return true
    end,
    run = function()
      h.obs.lines_before_control = h.lines()
      h.obs.history = require("kimi.notify").history()
      local seconds, micros = vim.uv.gettimeofday()
      h.obs.control_at = seconds * 1000 + math.floor(micros / 1000)
      vim.api.nvim_echo({ { string.rep("a long control message ", 8) } }, false, {})
    end,
  },
  {
    what = "the control prompt to be answered",
    wait = function()
      return (vim.g.kimi_prompts or 0) >= 1
    end,
  },
})
