-- Code actions chosen through vim.lsp.buf.code_action: "Kimi: Add docstring" (a preset; the
-- test scripts its answer) and "Kimi: Refactor..." (asks with vim.ui.input, then sends).
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
h.wait_ends(1, "the docstring rewrite to finish")
h.obs.after_docstring = h.lines()

-- "Kimi: Refactor..." carries instruction = null: the plugin asks for one.
local asked = {}
vim.ui.input = function(opts, on_confirm)
  table.insert(asked, opts.prompt)
  on_confirm("rename the parameter to who")
end
local start = #h.lines() - 1
choose("Kimi: Refactor...", start, start + 1)
h.wait_ends(2, "the refactor to finish")
h.obs.asked = asked
h.obs.after_refactor = h.lines()
h.finish()
