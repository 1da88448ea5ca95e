-- :KimiRefactor with review on: the proposal streams in above lines 6-7 and is drawn as a
-- diff (proposed lines added, the original removed) with buffer-local keys while it is
-- pending; :KimiAccept leaves exactly the new code and clears it all; one `u` brings back
-- the original exactly, and <C-r> the new code again.
local h = require("harness")
h.client()
local bufnr = vim.api.nvim_get_current_buf()
h.obs.original = h.lines()

-- What each kimi/proposal notification left in the buffer.
h.obs.seen = {}
table.insert(h.proposal_hooks, function(p)
  table.insert(h.obs.seen, {
    state = p.state,
    version = p.version,
    buffer_version = vim.lsp.util.buf_versions[bufnr],
    ranges = { p.proposed, p.original },
    lines = h.lines(bufnr),
    drawn = h.drawn(bufnr),
    accept_key = vim.fn.maparg("<leader>ka", "n", false, true).rhs or "",
    reject_key = vim.fn.maparg("<leader>kx", "n", false, true).rhs or "",
  })
end)

vim.cmd("6,7KimiRefactor use an f-string")
h.wait_state("proposed", 1, "the proposal")
h.wait_ends(1, "the refactor's progress to end")
h.obs.status_waiting = require("kimi").status()
h.obs.modified_while_proposed = vim.bo.modified

vim.api.nvim_win_set_cursor(0, { 1, 0 }) -- outside the proposal: it is the buffer's
h.accept()
h.obs.after_accept = h.lines()
h.obs.drawn_after = h.drawn(bufnr)
h.obs.keys_after = vim.fn.maparg("<leader>ka", "n", false, true).rhs or ""
h.obs.undo_seq_before = vim.fn.undotree().seq_cur

vim.cmd("normal! u")
h.obs.after_one_u = h.lines()
vim.cmd("normal! \18") -- <C-r>
h.obs.after_redo = h.lines()
h.obs.status_after = require("kimi").status()
h.wait(5000, function()
  return #h.obs.notifications > 0
end, "the accept message")
h.obs.said = h.obs.notifications
h.finish()
