-- A second :KimiExplain while the first streams: the first is cancelled (Neovim 0.11 never
-- calls its handler) and forgotten, so :KimiCancel afterwards says nothing was running.
local h = require("harness")
h.client()
h.obs.echoed = {}
local echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  table.insert(h.obs.echoed, chunks[1] and chunks[1][1])
  return echo(chunks, history, opts)
end

vim.cmd("1,2KimiExplain")
local first = require("kimi.view").current
h.wait(15000, function()
  return #first.text > 0
end, "the first explanation to stream")
vim.cmd("6KimiExplain")
local second = require("kimi.view").current
h.obs.first_window_closed = not first:shown()
h.wait(20000, function()
  return not second.running
end, "the second explanation")
h.wait(10000, function()
  return not first.running
end, "the first explanation to end")
h.obs.second = second.text
h.wait_ends(2, "both progress runs to end")
vim.cmd("KimiCancel")
h.wait(10000, function()
  local last = h.obs.echoed[#h.obs.echoed]
  return last ~= nil and last:find("^Kimi: ") ~= nil and not last:find("·")
end, "the answer of :KimiCancel")
h.obs.cancel_said = h.obs.echoed[#h.obs.echoed]
h.finish()
