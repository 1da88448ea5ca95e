-- A line with é and 😀 before the selection: explain exactly "é😀" (a multibyte last
-- character), then refactor "compute(a, b)" after them on the same line; then :KimiUsage.
local h = require("harness")
local client = h.client()
h.obs.encoding = client.offset_encoding
local row = 5
local line = h.lines()[row]
local base = vim.fn.line2byte(row) - 1 -- bytes before the line

local e = assert(line:find("é", 1, true))
local emoji = assert(line:find("😀", 1, true))
h.select_bytes(base + e, base + emoji) -- the emoji's first byte, as `v` leaves the mark
vim.cmd("'<,'>KimiExplain")
h.wait_ends(1, "the explanation")
local view = require("kimi.view").current
h.wait(10000, function()
  return view and not view.running
end, "the explanation result")
h.obs.explained = view.text
view:close()

local c = assert(line:find("compute(a, b)", 1, true))
h.select_bytes(base + c, base + c + #"compute(a, b)" - 1)
vim.cmd("'<,'>KimiRefactor swap the arguments")
h.wait_ends(2, "the refactor")
h.accept()
h.obs.after_refactor = h.lines()

local before = #h.obs.notifications
vim.cmd("KimiUsage")
h.wait(10000, function()
  return #h.obs.notifications > before
end, "the usage line")
h.obs.usage = h.obs.notifications[before + 1]
h.obs.status = require("kimi").status()
h.finish()
