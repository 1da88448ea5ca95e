-- Code actions chosen through vim.lsp.buf.code_action: "Kimi: Add docstring" (a preset; the
-- test scripts its answer) and "Kimi: Refactor..." (asks with vim.ui.input, then sends). Each
-- proposal is accepted the way a user without the plugin's commands would: the first with
-- the code action "Kimi: Accept change", the second with the code lens "Accept (Kimi)".
local h = require("harness")
h.client()
local function choose(title, first, last)
  local lines = h.lines()
  vim.lsp.buf.code_action({
    filter = function(action)
      return action.title == title
    end,
    apply = true,
    -- (1,0)-indexed, end inclusive: the whole text of lines first..last.
    range = { start = { first, 0 }, ["end"] = { last, #lines[last] - 1 } },
  })
end

-- Titles offered for a selection.
local titles = {}
local params = vim.lsp.util.make_range_params(0, "utf-8")
params.range = { start = { line = 0, character = 0 }, ["end"] = { line = 3, character = 0 } }
params.context = { diagnostics = {} }
local answers = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 10000) or {}
for _, answer in pairs(answers) do
  for _, action in ipairs(answer.result or {}) do
    table.insert(titles, action.title)
  end
end
h.obs.titles = titles

choose("Kimi: Add docstring", 1, 3)
h.wait_state("proposed", 1, "the docstring proposal")
h.obs.docstring_proposed = h.lines()
choose("Kimi: Accept change", 2, 2)
h.wait_state("applied", 1, "the docstring to be accepted")
h.obs.after_docstring = h.lines()

-- "Kimi: Refactor..." carries instruction = null: the plugin asks for one.
local asked = {}
vim.ui.input = function(opts, on_confirm)
  table.insert(asked, opts.prompt)
  on_confirm("rename the parameter to who")
end
local start = #h.lines() - 1
choose("Kimi: Refactor...", start, start + 1)
h.wait_state("proposed", 2, "the refactor's proposal")
h.obs.asked = asked

-- The code lens over the proposal: "Accept (Kimi)" and "Reject" on its first line.
vim.lsp.codelens.refresh({ bufnr = 0 })
local lenses
h.wait(10000, function()
  lenses = vim.lsp.codelens.get(0)
  return #lenses >= 2
end, "the code lenses")
h.obs.lenses = {}
for _, lens in ipairs(lenses) do
  table.insert(h.obs.lenses, { line = lens.range.start.line, title = lens.command.title })
end
vim.api.nvim_win_set_cursor(0, { lenses[1].range.start.line + 1, 0 })
vim.ui.select = function(options, opts, on_choice)
  for _, option in ipairs(options) do
    if opts.format_item(option):match("^Accept") then
      return on_choice(option)
    end
  end
end
vim.lsp.codelens.run()
h.wait_state("applied", 2, "the lens to accept the refactor")
h.obs.after_refactor = h.lines()
h.wait(5000, function()
  return #h.obs.notifications >= 2
end, "the accept messages")
h.obs.said = h.obs.notifications
h.finish()
