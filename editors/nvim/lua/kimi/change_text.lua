-- A file's text as it is now (its buffer when loaded, else the disk) and that text with a
-- change's edits applied: what the quickfix list and :KimiEditDiff show. No editor state is
-- changed here.
local client_util = require("kimi.client")

local M = {}

--- The lines of `uri` now: its loaded buffer, else the file on disk ({} when missing).
---@param uri string
---@return string[]
function M.lines(uri)
  local bufnr = client_util.loaded_buffer(uri)
  if bufnr then
    return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  end
  local path = vim.uri_to_fname(uri)
  if vim.fn.filereadable(path) == 1 then
    return vim.fn.readfile(path)
  end
  return {}
end

--- The byte offset of an LSP position in `lines` (joined with "\n"), clamped to the text.
---@param lines string[]
---@param starts integer[] the offset where each line starts
---@param pos lsp.Position
---@param encoding string
---@return integer
local function offset(lines, starts, pos, encoding)
  local row = pos.line + 1
  if row > #lines then
    return starts[#lines + 1] or 0
  end
  local line = lines[row]
  local ok, col = pcall(vim.str_byteindex, line, encoding, pos.character, false)
  return starts[row] + math.min(ok and col or #line, #line)
end

--- The byte column of `pos` in its line of `lines`.
---@param lines string[]
---@param pos lsp.Position
---@param encoding string
---@return integer
function M.byte_col(lines, pos, encoding)
  local line = lines[pos.line + 1] or ""
  local ok, col = pcall(vim.str_byteindex, line, encoding, pos.character, false)
  return math.min(ok and col or #line, #line)
end

--- `lines` (a text that ends with a line break after its last line) with `edits` ({range,
--- newText} in `encoding`, all against `lines`) applied.
---@param lines string[]
---@param edits {range: lsp.Range, newText: string}[]
---@param encoding string
---@return string[]
function M.apply(lines, edits, encoding)
  local starts, at = {}, 0
  for i, line in ipairs(lines) do
    starts[i] = at
    at = at + #line + 1
  end
  starts[#lines + 1] = at
  local text = #lines > 0 and (table.concat(lines, "\n") .. "\n") or ""
  local placed = {}
  for i, edit in ipairs(edits) do
    placed[#placed + 1] = {
      a = offset(lines, starts, edit.range.start, encoding),
      b = offset(lines, starts, edit.range["end"], encoding),
      text = edit.newText,
      i = i,
    }
  end
  table.sort(placed, function(x, y)
    if x.a ~= y.a then
      return x.a > y.a
    end
    return x.i > y.i
  end)
  for _, p in ipairs(placed) do
    text = text:sub(1, p.a) .. p.text .. text:sub(p.b + 1)
  end
  local out = vim.split(text, "\n", { plain = true })
  if out[#out] == "" then
    out[#out] = nil
  end
  return out
end

---@param text string
---@return integer
local function line_count(text)
  if text == "" then
    return 0
  end
  local n = select(2, text:gsub("\n", ""))
  return text:sub(-1) == "\n" and n or n + 1
end

--- The first line of `text` that is not blank, trimmed.
---@param text string
---@return string
local function first_line(text)
  for line in vim.gsplit(text, "\n", { plain = true }) do
    if vim.trim(line) ~= "" then
      return vim.trim(line)
    end
  end
  return ""
end

--- A quickfix line for one edit: "edit (-1 +1): def order_total(items):".
---@param lines string[] the file's text
---@param edit {range: lsp.Range, newText: string}
---@param encoding string
---@return string
function M.describe(lines, edit, encoding)
  local starts, at = {}, 0
  for i, line in ipairs(lines) do
    starts[i] = at
    at = at + #line + 1
  end
  starts[#lines + 1] = at
  local text = #lines > 0 and (table.concat(lines, "\n") .. "\n") or ""
  local a = offset(lines, starts, edit.range.start, encoding)
  local b = offset(lines, starts, edit.range["end"], encoding)
  local old = text:sub(a + 1, b)
  local removed, added = line_count(old), line_count(edit.newText)
  local shown = first_line(edit.newText)
  if shown == "" then
    shown = first_line(old)
  end
  return ("edit (-%d +%d): %s"):format(removed, added, shown)
end

return M
