-- The user types above the region while a refactor streams into it. Two edits arrive just
-- after a keystroke (so they were computed for an older version): the plugin answers
-- applied = false without printing, the server computes them again, and both the typed lines
-- and the rewrite (accepted) end up in the buffer.
local h = require("harness")
h.client()

local client_util = require("kimi.client")
local handler = client_util.apply_edit_handler
h.obs.answers = {}
local typed = 0
client_util.apply_edit_handler = function(err, params, ctx)
  if typed < 2 then
    typed = typed + 1
    vim.api.nvim_buf_set_lines(0, 0, 0, false, { "# typed " .. typed })
  end
  local answer = handler(err, params, ctx)
  table.insert(h.obs.answers, answer.applied)
  return answer
end

vim.cmd("6,7KimiRefactor use an f-string")
h.wait_ends(1, "the refactor to finish")
h.accept()
h.obs.after = h.lines()
h.finish()
