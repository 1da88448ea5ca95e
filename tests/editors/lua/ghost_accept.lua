-- Ghost text on Neovim 0.11: typing in insert mode asks for a suggestion, a thinking mark
-- shows while the request is out, the suggestion is drawn at the cursor, <M-l> accepts it
-- and its command (added to the answer here) runs.
local h = require("harness")
local g = require("ghost")
g.add_command = { title = "Accepted", command = "kimi.usage", arguments = {} }

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
      h.obs.drawn = g.drawn()
      h.obs.cursor_before = g.cursor()
      h.obs.lines_before = h.lines()
      h.obs.thinking_after = g.thinking()
      h.keys("<M-l>", true)
    end,
  },
  {
    what = "the suggestion to be accepted",
    wait = function()
      return g.drawn() == nil and h.lines()[2] ~= "    "
    end,
    run = function()
      h.obs.lines_after = h.lines()
      h.obs.cursor_after = g.cursor()
      h.obs.mode = vim.api.nvim_get_mode().mode
      h.keys("<Esc>")
    end,
  },
  {
    what = "the accepted item's command",
    wait = function()
      for _, r in ipairs(h.obs.requests) do
        if r.command == "kimi.usage" then
          return true
        end
      end
      return false
    end,
  },
})
