-- A proposal rejected with its buffer-local key (<leader>kx, typed): the buffer is exactly
-- as before, the drawing and the keys are gone, and `u` cannot bring the proposed lines back.
local h = require("harness")
h.client()
local bufnr = vim.api.nvim_get_current_buf()
h.obs.original = h.lines()
vim.cmd("6,7KimiRefactor use an f-string")
h.steps({
  {
    wait = function()
      return h.count_state("proposed") >= 1
    end,
    what = "the proposal",
    run = function()
      h.obs.proposed = h.lines()
      h.obs.drawn = h.drawn(bufnr)
      vim.api.nvim_win_set_cursor(0, { 7, 0 }) -- in the proposal
      h.keys("\\kx", true) -- <leader>kx with the default leader
    end,
  },
  {
    wait = function()
      return h.count_state("rejected") >= 1
    end,
    what = "the rejection",
    run = function()
      h.obs.after_reject = h.lines()
      h.obs.drawn_after = h.drawn(bufnr)
      h.obs.keys_after = vim.fn.maparg("<leader>kx", "n", false, true).rhs or ""
      vim.cmd("silent! normal! u")
      h.obs.after_u = h.lines()
    end,
  },
  {
    wait = function()
      return #h.obs.notifications > 0
    end,
    what = "the reject message",
    run = function()
      h.obs.said = h.obs.notifications
    end,
  },
})
