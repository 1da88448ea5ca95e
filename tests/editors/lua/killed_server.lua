-- The server is killed while an explanation streams: the progress it left is cleared from the
-- statusline (redrawn in every window), the explanation says so, :KimiCancel finds nothing.
local h = require("harness")
local client = h.client()
vim.cmd("vsplit")
h.obs.redraws = {}
vim.cmd.redrawstatus = function(opts)
  table.insert(h.obs.redraws, opts and opts.bang == true or false)
end
h.obs.echoed = {}
local echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  table.insert(h.obs.echoed, chunks[1] and chunks[1][1])
  return echo(chunks, history, opts)
end

vim.cmd("1,2KimiExplain")
local view = require("kimi.view").current
h.wait(15000, function()
  return #view.text > 0
end, "the explanation to stream")
h.obs.status_while_running = require("kimi").status()
local redraws_before_kill = #h.obs.redraws

-- kill -9 the server (Neovim's only child process)
local killed = 0
for _, pid in ipairs(vim.api.nvim_get_proc_children(vim.fn.getpid())) do
  vim.uv.kill(pid, "sigkill")
  killed = killed + 1
end
h.obs.killed = killed
h.wait(10000, function()
  return vim.lsp.get_client_by_id(client.id) == nil
end, "the client to exit")
h.wait(5000, function()
  return require("kimi").status() == ""
end, "the statusline to clear")
h.obs.status_after = require("kimi").status()
h.obs.view_lines = h.lines(view.buf)
h.obs.running_after = view.running
h.obs.redraws_after_exit = #h.obs.redraws - redraws_before_kill
vim.cmd("KimiCancel")
h.obs.cancel_said = h.obs.echoed[#h.obs.echoed]
h.finish()
