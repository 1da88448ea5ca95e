-- :KimiRefactor <instruction> streams the scripted code into lines 6-7 (accepted with
-- :KimiAccept when it waits for review); :KimiUndo puts the original back; :KimiUndo again is
-- refused with a message.
local h = require("harness")
h.client()
local original = h.lines()
h.obs.original = original

local states = {}
vim.api.nvim_buf_attach(0, false, {
  on_lines = function()
    vim.schedule(function()
      table.insert(states, table.concat(h.lines(), "\n"))
    end)
  end,
})

vim.cmd("6,7KimiRefactor use an f-string")
h.wait_ends(1, "the refactor to finish")
local rewrite = require("kimi.proposals").rewrite_of(0)
h.obs.reviewed = rewrite ~= nil and rewrite.state == "proposed"
if h.obs.reviewed then
  h.accept()
end
h.obs.after_refactor = h.lines()
h.obs.states_during_refactor = #states

vim.cmd("KimiUndo")
h.obs.undo_restored = h.try_wait(10000, function()
  return vim.deep_equal(h.lines(), original)
end)
h.obs.after_undo = h.lines()
h.wait(10000, function()
  return #h.obs.notifications > 0 and h.obs.notifications[#h.obs.notifications].msg
    == "Kimi: change undone."
end, "the undo message")

local before = #h.obs.notifications
vim.cmd("KimiUndo")
h.try_wait(10000, function()
  return #h.obs.notifications > before
end)
h.obs.second_undo = h.obs.notifications[before + 1]
h.finish()
