-- <C-]> dismisses the suggestion (nothing inserted, still in insert mode). With nothing shown
-- the plugin's keys do what they did before: a mapping of the user's is kept aside.
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
    what = "the suggestion",
    wait = function()
      return g.drawn() ~= nil
    end,
    run = function()
      h.obs.shown = { inline = g.drawn().inline, mode = vim.api.nvim_get_mode().mode }
      h.keys("<C-]>", true)
    end,
  },
  {
    what = "the suggestion to go",
    wait = function()
      return g.drawn() == nil
    end,
    run = function()
      h.obs.after_dismiss = {
        drawn = g.drawn() or vim.NIL,
        lines = h.lines(),
        mode = vim.api.nvim_get_mode().mode,
      }
      -- The user's own <M-l> (types "x"), made before kimi maps its keys in the buffer.
      vim.keymap.set("i", "<M-l>", "x")
      require("kimi.completion").attach(g.client, vim.api.nvim_get_current_buf())
      h.keys("<C-]>", true) -- nothing to dismiss: <C-]> itself (a no-op here)
      h.keys("<M-l>", true) -- nothing to accept: the user's mapping
    end,
  },
  {
    what = "the key's own action",
    wait = function()
      return h.lines()[2] == "    x"
    end,
    run = function()
      h.obs.after_key_without_suggestion = h.lines()
      h.keys("<Esc>")
    end,
  },
})
