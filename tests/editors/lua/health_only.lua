-- :checkhealth kimi without waiting for a client (the server may not start at all).
local h = require("harness")
vim.cmd("checkhealth kimi")
h.obs.health = h.lines()
h.write()
vim.cmd("qall!")
