-- :KimiRefactor <instruction> streams the scripted code into lines 6-7; :KimiUndo puts the
-- original back; :KimiUndo again is refused with a message.
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
h.obs.after_refactor = h.lines()
h.obs.states_during_refactor = #states

vim.cmd("KimiUndo")
h.obs.undo_restored = h.try_wait(10000, function()
  return vim.deep_equal(h.lines(), original)
end)
h.obs.after_undo = h.lines()

local before = #h.obs.notifications
vim.cmd("KimiUndo")
h.try_wait(10000, function()
  return #h.obs.notifications > before
end)
h.obs.second_undo = h.obs.notifications[before + 1]
h.finish()
