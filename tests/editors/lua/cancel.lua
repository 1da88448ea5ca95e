-- :KimiCancel while an explanation streams: the request stops and the window says so.
local h = require("harness")
h.client()
vim.cmd("1,2KimiExplain")
local view = require("kimi.view").current
h.wait(15000, function()
  return #view.text > 0
end, "the first streamed text")
vim.cmd("KimiCancel")
h.wait(10000, function()
  return not view.running
end, "the explanation to stop")
h.obs.view_lines = h.lines(view.buf)
h.wait_ends(1, "the progress to end")
h.finish()
