-- Alternatives with `auto_trigger = false`: nothing is asked while typing; <M-]> asks (an
-- explicit request, answered with alternatives), <M-]> / <M-[> cycle, <M-l> accepts.
local h = require("harness")
local g = require("ghost")

h.obs.cycle = {}
local function record()
  local drawn = g.drawn()
  local last = h.obs.shown[#h.obs.shown]
  local annotation = last and last.annotation
  table.insert(h.obs.cycle, { inline = drawn and drawn.inline, annotation = annotation })
end
local function annotated(text)
  return function()
    local last = h.obs.shown[#h.obs.shown]
    return g.drawn() ~= nil and last ~= nil and last.annotation == text
  end
end

vim.api.nvim_win_set_cursor(0, { 2, 0 })
h.steps({
  {
    run = function()
      h.keys("Ax<BS>") -- typing: with auto_trigger off, no request
    end,
  },
  {
    what = "insert mode",
    wait = function()
      return vim.api.nvim_get_mode().mode == "i" and h.lines()[2] == "    "
    end,
    run = function()
      h.obs.before_any_key = g.drawn() or vim.NIL
      h.keys("<M-]>", true)
    end,
  },
  {
    what = "the first alternative",
    wait = annotated("(1/3)"),
    run = function()
      record()
      h.keys("<M-]>", true)
    end,
  },
  {
    what = "the second alternative",
    wait = annotated("(2/3)"),
    run = function()
      record()
      h.keys("<M-[>", true)
    end,
  },
  {
    what = "back to the first",
    wait = annotated("(1/3)"),
    run = function()
      record()
      h.keys("<M-[>", true)
    end,
  },
  {
    what = "the last (wrapping around)",
    wait = annotated("(3/3)"),
    run = function()
      record()
      h.keys("<M-l><Esc>", true)
    end,
  },
  {
    what = "the alternative to be accepted",
    wait = function()
      return vim.api.nvim_get_mode().mode == "n"
    end,
    run = function()
      h.obs.lines = h.lines()
    end,
  },
})
