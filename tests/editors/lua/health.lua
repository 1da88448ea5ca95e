-- :checkhealth kimi with the client running.
local h = require("harness")
h.client()
vim.cmd("checkhealth kimi")
h.obs.health = h.lines()
h.finish()
