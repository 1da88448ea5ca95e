-- A multi-line suggestion accepted piece by piece: its line, then a word (the line break and
-- the indentation), then a word, then the rest. Each piece leaves the rest drawn.
local h = require("harness")
local g = require("ghost")

h.obs.pieces = {}
local function record()
  table.insert(h.obs.pieces, { drawn = g.drawn(), lines = h.lines(), cursor = g.cursor() })
end
local function changed(n)
  return function()
    return #h.obs.pieces >= n and not vim.deep_equal(h.lines(), h.obs.pieces[n].lines)
  end
end

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
      record()
      h.keys("<M-C-Right>", true) -- accept the line
    end,
  },
  {
    what = "the line to be accepted",
    wait = changed(1),
    run = function()
      record()
      h.keys("<M-Right>", true) -- accept a word: the line break and the indentation
    end,
  },
  {
    what = "the line break to be accepted",
    wait = changed(2),
    run = function()
      record()
      h.keys("<M-Right>", true) -- accept a word
    end,
  },
  {
    what = "the word to be accepted",
    wait = changed(3),
    run = function()
      record()
      h.keys("<M-l><Esc>", true) -- accept the rest, leave insert mode
    end,
  },
  {
    what = "the rest to be accepted",
    wait = function()
      return vim.api.nvim_get_mode().mode == "n"
    end,
    run = function()
      h.obs.lines = h.lines()
      h.obs.drawn_after = g.drawn() or vim.NIL
    end,
  },
})
