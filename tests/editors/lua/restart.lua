-- :KimiRestart stops kimi-lsp and starts it again for the buffers it served.
local h = require("harness")
local old = h.client()
local bufnr = vim.api.nvim_get_current_buf()
h.obs.echoed = {}
local echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  table.insert(h.obs.echoed, chunks[1] and chunks[1][1])
  return echo(chunks, history, opts)
end

vim.cmd("KimiRestart")
local new
h.wait(20000, function()
  new = vim.lsp.get_clients({ bufnr = bufnr, name = "kimi" })[1]
  return new ~= nil and new.id ~= old.id and new.initialized == true
end, "a new kimi client")
h.obs.old_gone = vim.lsp.get_client_by_id(old.id) == nil
h.obs.same_root = new.root_dir == old.root_dir
h.obs.attached = new.attached_buffers[bufnr] == true
-- The new server answers.
local params = { command = "kimi.usage", arguments = {} }
local usage = new:request_sync("workspace/executeCommand", params, 10000, bufnr)
h.obs.usage_requests = usage and usage.result and usage.result.requests
h.finish()
