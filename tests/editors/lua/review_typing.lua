-- The user types a line at the top while each kimi/proposal of a rewrite is on its way:
-- every notification describes an older version, and the proposal is still drawn where its
-- lines are now.
local h = require("harness")
h.client()
local bufnr = vim.api.nvim_get_current_buf()

-- Type just before the plugin handles each notification of the pending proposal (as if
-- the user typed while it was on its way).
local proposals = require("kimi.proposals")
local handler = proposals.handler
local typed = 0
proposals.handler = function(err, params, ctx)
  if type(params) == "table" and proposals.is_pending(params.state) and typed < 10 then
    typed = typed + 1
    vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { "# typed " .. typed })
  end
  return handler(err, params, ctx)
end

h.obs.seen = {}
table.insert(h.proposal_hooks, function(p)
  table.insert(h.obs.seen, {
    state = p.state,
    stale = p.version ~= vim.lsp.util.buf_versions[bufnr],
    lines = h.lines(bufnr),
    drawn = h.drawn(bufnr),
  })
end)

vim.cmd("6,7KimiRefactor use an f-string")
h.wait_state("proposed", 1, "the proposal")
h.obs.typed = typed
h.accept()
h.obs.after_accept = h.lines()
h.finish()
