-- Ghost text as data: the items of a `textDocument/inlineCompletion` answer, what is left of
-- one to insert after the user typed some of it, and the next word or line of that rest.
-- No editor state here: the functions take strings and return strings.
local M = {}

---@class kimi.SuggestionItem
---@field text string the text to insert (a snippet's plain text when `snippet` is set)
---@field snippet string|nil the snippet itself, for vim.snippet.expand
---@field range lsp.Range|nil what the text replaces (the cursor when nil)
---@field command lsp.Command|nil run after the item is accepted

--- The plain text a snippet inserts: placeholders become their default text, tab stops and
--- variables nothing, escapes their character.
---@param snippet string
---@return string
function M.snippet_text(snippet)
  local ok, grammar = pcall(require, "vim.lsp._snippet_grammar")
  if ok then
    local parsed_ok, parsed = pcall(grammar.parse, snippet)
    if parsed_ok then
      return tostring(parsed)
    end
  end
  local text = snippet
    :gsub("%${%d+:([^}]*)}", "%1")
    :gsub("%${%d+}", "")
    :gsub("%$%d+", "")
    :gsub("\\([%$}\\])", "%1")
  return text
end

---@param value any
---@return boolean
local function is_table(value)
  return type(value) == "table"
end

--- The items of an inline completion result (`InlineCompletionList`, a list of items, or
--- null), in the server's order, without duplicates and empty ones.
---@param result any
---@return kimi.SuggestionItem[]
function M.items(result)
  if not is_table(result) then
    return {}
  end
  local raw = is_table(result.items) and result.items or result
  local out, seen = {}, {}
  for _, item in ipairs(raw) do
    if is_table(item) then
      local insert = item.insertText
      local text, snippet
      if type(insert) == "string" then
        text = insert
      elseif is_table(insert) and type(insert.value) == "string" then
        snippet = insert.value
        text = M.snippet_text(snippet)
      end
      if text and text ~= "" and not seen[text] then
        seen[text] = true
        out[#out + 1] = {
          text = text,
          snippet = snippet,
          range = is_table(item.range) and item.range or nil,
          command = is_table(item.command) and item.command or nil,
        }
      end
    end
  end
  return out
end

---@class kimi.GhostItem: kimi.SuggestionItem
---@field rest string what the item inserts at the cursor
---@field prefix integer bytes before the cursor the item replaces (typed already)
---@field replace integer bytes after the cursor the item replaces

---@param line string
---@param character integer
---@param encoding string
---@return integer
local function byte_col(line, character, encoding)
  local ok, col = pcall(vim.str_byteindex, line, encoding, character, false)
  return ok and col or math.min(character, #line)
end

--- The items that fit at (row, col) of `line`: each extends what is typed before the cursor
--- within its range (a range must stay on the cursor line), and gets what it inserts there.
---@param items kimi.SuggestionItem[]
---@param line string
---@param row integer
---@param col integer
---@param encoding string
---@return kimi.GhostItem[]
function M.fit(items, line, row, col, encoding)
  local out = {}
  for _, item in ipairs(items) do
    local first, last = col, col
    local range = item.range
    if range and range.start.line == row and range["end"].line == row then
      first = byte_col(line, range.start.character, encoding)
      last = byte_col(line, range["end"].character, encoding)
    elseif range then
      first = -1 -- not on the cursor line: not shown
    end
    if first >= 0 and first <= col and last >= col then
      local rest = M.after_typing(item.text, line:sub(first + 1, col))
      if rest and rest ~= "" then
        local fitted = vim.deepcopy(item) --[[@as kimi.GhostItem]]
        fitted.rest, fitted.prefix, fitted.replace = rest, col - first, last - col
        out[#out + 1] = fitted
      end
    end
  end
  return out
end

--- Add the items of `more` that `items` lacks (alternatives fetched later), keeping order;
--- items are the same when their `key` field (default "text") is.
---@generic T: table
---@param items T[]
---@param more T[]
---@param key string|nil
---@return T[]
function M.merge(items, more, key)
  key = key or "text"
  local out, seen = {}, {}
  for _, list in ipairs({ items, more }) do
    for _, item in ipairs(list) do
      if not seen[item[key]] then
        seen[item[key]] = true
        out[#out + 1] = item
      end
    end
  end
  return out
end

--- What `text` still inserts when the user has already typed `typed` of it; nil when the
--- typing left the suggestion (it no longer starts with what was typed).
---@param text string
---@param typed string
---@return string|nil
function M.after_typing(text, typed)
  if typed == "" then
    return text
  end
  if text:sub(1, #typed) == typed then
    return text:sub(#typed + 1)
  end
  return nil
end

-- A word: letters, digits, `_` and any non-ASCII character (UTF-8 bytes 0x80-0xFF).
local WORD = "^[ \t]*[%w_\128-\255]+"
local PUNCTUATION = "^[ \t]*[^%w_\128-\255%s]+"

--- The next word of `rest`, with the blanks before it. At the end of a line: the line break
--- and the next line's indentation.
---@param rest string
---@return string
function M.next_word(rest)
  if rest:sub(1, 1) == "\n" then
    return rest:match("^\n[ \t]*")
  end
  return rest:match(WORD) or rest:match(PUNCTUATION) or rest:match("^[ \t]+") or rest:sub(1, 1)
end

--- The rest of the current line of `rest`. At the end of a line: the line break and the next
--- line.
---@param rest string
---@return string
function M.next_line(rest)
  if rest:sub(1, 1) == "\n" then
    return "\n" .. rest:sub(2):match("^[^\n]*")
  end
  return rest:match("^[^\n]*")
end

--- How `rest` is drawn at the cursor: the first line (inline) and the lines below it (virtual
--- lines), with tabs expanded to `tabstop` columns (virtual text does not expand them).
---@param rest string
---@param tabstop integer
---@return string first, string[] below
function M.display(rest, tabstop)
  local lines = vim.split(rest, "\n", { plain = true })
  local spaces = string.rep(" ", math.max(1, tabstop))
  for i = 1, #lines do
    lines[i] = lines[i]:gsub("\t", spaces)
  end
  return lines[1], { unpack(lines, 2) }
end

return M
