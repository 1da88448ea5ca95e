-- Drawing ghost text: the suggestion as virtual text at the cursor (its first line inline,
-- the lines after it as virtual lines below), and a subtle mark at the end of the line while
-- a request is out. Highlights: KimiSuggestion, KimiSuggestionAnnotation (the "(2/3)" of
-- alternatives) and KimiThinking; each links to a standard group unless you define it.
local suggestion = require("kimi.suggestion")

local M = {}

M.ns = vim.api.nvim_create_namespace("kimi.ghost")
M.thinking_ns = vim.api.nvim_create_namespace("kimi.ghost.thinking")

local function define_highlights()
  vim.api.nvim_set_hl(0, "KimiSuggestion", { link = "Comment", default = true })
  vim.api.nvim_set_hl(0, "KimiSuggestionAnnotation", { link = "NonText", default = true })
  vim.api.nvim_set_hl(0, "KimiThinking", { link = "NonText", default = true })
end
define_highlights()
vim.api.nvim_create_autocmd("ColorScheme", {
  group = vim.api.nvim_create_augroup("kimi.ghost_view", { clear = true }),
  desc = "Kimi: ghost text highlights",
  callback = define_highlights,
})

---@param bufnr integer
function M.hide(bufnr)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

--- Show `rest` at (row, col) (0-based row, byte column), with an annotation such as "(2/3)".
---@param bufnr integer
---@param row integer
---@param col integer
---@param rest string
---@param annotation string|nil
function M.show(bufnr, row, col, rest, annotation)
  M.hide(bufnr)
  local first, below = suggestion.display(rest, vim.bo[bufnr].tabstop)
  local virt_text = { { first, "KimiSuggestion" } }
  local virt_lines = {}
  for _, line in ipairs(below) do
    virt_lines[#virt_lines + 1] = { { line, "KimiSuggestion" } }
  end
  if annotation then
    local last = #virt_lines > 0 and virt_lines[#virt_lines] or virt_text
    last[#last + 1] = { " " .. annotation, "KimiSuggestionAnnotation" }
  end
  pcall(vim.api.nvim_buf_set_extmark, bufnr, M.ns, row, col, {
    virt_text = virt_text,
    virt_text_pos = "inline",
    virt_lines = #virt_lines > 0 and virt_lines or nil,
    hl_mode = "combine",
    priority = 200,
  })
end

--- The "thinking" mark at the end of `row` (nothing when `text` is false or empty).
---@param bufnr integer
---@param row integer
---@param text string|false|nil
function M.show_thinking(bufnr, row, text)
  M.hide_thinking(bufnr)
  if type(text) ~= "string" or text == "" then
    return
  end
  pcall(vim.api.nvim_buf_set_extmark, bufnr, M.thinking_ns, row, 0, {
    virt_text = { { " " .. text, "KimiThinking" } },
    virt_text_pos = "eol",
    hl_mode = "combine",
  })
end

---@param bufnr integer
function M.hide_thinking(bufnr)
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.thinking_ns, 0, -1)
  end
end

return M
