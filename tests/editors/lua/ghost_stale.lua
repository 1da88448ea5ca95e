-- A request made stale by typing: once the model works on it (the Python side signals the
-- first model call), typing "r" cancels it and asks again; its answer is never drawn.
local h = require("harness")
local g = require("ghost")

vim.api.nvim_win_set_cursor(0, { 2, 0 })
h.steps({
  {
    run = function()
      h.keys("A")
    end,
  },
  {
    what = "the first model call",
    timeout = 30000,
    wait = function()
      return vim.uv.fs_stat(vim.env.KIMI_TEST_SIGNAL) ~= nil
    end,
    run = function()
      h.obs.pending_before_typing = g.thinking()
      h.keys("r")
    end,
  },
  {
    what = "the second suggestion",
    wait = function()
      return g.drawn() ~= nil
    end,
    run = function()
      h.keys("<M-l><Esc>", true)
    end,
  },
  {
    what = "normal mode",
    wait = function()
      return vim.api.nvim_get_mode().mode == "n"
    end,
    run = function()
      h.obs.lines = h.lines()
    end,
  },
})
