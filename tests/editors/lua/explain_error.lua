-- :KimiExplain when the API refuses the key: the window and a notification say why (one
-- line; :KimiMessages has it whole).
local h = require("harness")
h.client()
vim.cmd("KimiExplain")
local view = require("kimi.view").current
h.wait(15000, function()
  return not view.running
end, "the explanation to fail")
h.obs.view_lines = h.lines(view.buf)
h.wait_ends(1, "the progress to end")
h.wait(10000, function()
  return #h.obs.notifications > 0
end, "the error notification")
h.obs.history = require("kimi.notify").history()
h.obs.echospace = vim.v.echospace
h.finish()
