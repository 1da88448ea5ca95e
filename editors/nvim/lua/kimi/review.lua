-- A rewrite's proposal drawn in its buffer with extmarks, from the `kimi/proposal`
-- notifications: the proposed lines highlighted as added (KimiProposalAdd, a `+` sign),
-- the original below them as removed (KimiProposalDelete, struck through, a `-` sign), and
-- a virtual line above naming the keys. While a proposal is pending, buffer-local keymaps
-- accept and reject it (`review.keys`); both go when it ends.
local config = require("kimi.config")

local M = {}

local ns = vim.api.nvim_create_namespace("kimi.proposal")

---@class kimi.Drawn
---@field id string proposal id
---@field range integer extmark from the first proposed line to the end of the original
---@field keys string[] the buffer-local keymaps set for it

---@type table<integer, kimi.Drawn> by buffer
local drawn = {}

local function define_highlights()
  local set = vim.api.nvim_set_hl
  set(0, "KimiProposalAdd", { link = "DiffAdd", default = true })
  set(0, "KimiProposalDelete", { link = "DiffDelete", default = true })
  set(0, "KimiProposalStrike", { strikethrough = true, default = true })
  set(0, "KimiProposalAddSign", { link = "Added", default = true })
  set(0, "KimiProposalDeleteSign", { link = "Removed", default = true })
  set(0, "KimiProposalHint", { link = "Comment", default = true })
end
define_highlights()
vim.api.nvim_create_autocmd("ColorScheme", {
  group = vim.api.nvim_create_augroup("kimi.review.colors", { clear = true }),
  callback = define_highlights,
})

M.namespace = ns

--- The byte column of an LSP position in `bufnr` (clamped to the line).
---@param bufnr integer
---@param pos lsp.Position
---@param encoding string
---@return integer row, integer col
local function byte_position(bufnr, pos, encoding)
  local count = vim.api.nvim_buf_line_count(bufnr)
  if pos.line >= count then
    local last = vim.api.nvim_buf_get_lines(bufnr, count - 1, count, false)[1] or ""
    return count - 1, #last
  end
  local line = vim.api.nvim_buf_get_lines(bufnr, pos.line, pos.line + 1, false)[1] or ""
  local ok, col = pcall(vim.str_byteindex, line, encoding, pos.character, false)
  return pos.line, math.min(ok and col or #line, #line)
end

--- The rows a range covers, as whole lines: a range ending at the start of a line does not
--- cover that line. Empty when the range is.
---@param range lsp.Range
---@return integer first, integer last (last < first when empty)
local function rows(range)
  local first, last = range.start.line, range["end"].line
  if range["end"].character == 0 and last > first then
    last = last - 1
  elseif last == first and range["end"].character <= range.start.character then
    return first, first - 1
  end
  return first, last
end

---@param lhs string|false|nil
---@param command string
---@return string
local function key_name(lhs, command)
  return (type(lhs) == "string" and lhs ~= "") and lhs or (":" .. command)
end

--- The hint shown above the proposal.
---@param p table the kimi/proposal params
---@return string
function M.hint(p)
  local keys = config.options.review.keys or {}
  local accept = key_name(keys.accept, "KimiAccept")
  local reject = key_name(keys.reject, "KimiReject")
  if p.state == "streaming" then
    return ("Kimi is writing… · reject: %s"):format(reject)
  elseif p.state == "stopped" then
    return ("Kimi stopped (%s) · reject: %s"):format(p.message or "incomplete", reject)
  end
  return ("Kimi: proposed change · accept: %s · reject: %s"):format(accept, reject)
end

---@param bufnr integer
---@param entry kimi.Drawn
local function set_keymaps(bufnr, entry)
  local keys = config.options.review.keys
  if not keys then
    return
  end
  local maps = {
    { keys.accept, "<Cmd>KimiAccept<CR>", "Kimi: accept the proposed change" },
    { keys.reject, "<Cmd>KimiReject<CR>", "Kimi: reject the proposed change" },
  }
  for _, map in ipairs(maps) do
    local lhs = map[1]
    if type(lhs) == "string" and lhs ~= "" then
      local existing = vim.fn.maparg(lhs, "n", false, true)
      local mine = type(existing) == "table" and type(existing.desc) == "string"
        and vim.startswith(existing.desc, "Kimi:")
      -- A buffer-local mapping of your own keeps the key.
      if not (type(existing) == "table" and existing.buffer == 1 and not mine) then
        vim.keymap.set("n", lhs, map[2], { buffer = bufnr, desc = map[3] })
        entry.keys[#entry.keys + 1] = lhs
      end
    end
  end
end

---@param bufnr integer
---@param entry kimi.Drawn
local function remove_keymaps(bufnr, entry)
  for _, lhs in ipairs(entry.keys) do
    pcall(vim.keymap.del, "n", lhs, { buffer = bufnr })
  end
  entry.keys = {}
end

--- Draw the proposal `p` (a kimi/proposal notification, at the buffer's current version).
---@param bufnr integer
---@param p table
---@param encoding string
function M.draw(bufnr, p, encoding)
  local entry = drawn[bufnr]
  if entry and entry.id ~= p.proposalId then
    M.clear(bufnr)
    entry = nil
  end
  if entry == nil then
    entry = { id = p.proposalId, keys = {} }
    drawn[bufnr] = entry
    set_keymaps(bufnr, entry)
  end
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  entry.hint = nil -- (gone with the rest; its id may be given to a new mark)
  local options = config.options.review
  local sr, sc = byte_position(bufnr, p.proposed.start, encoding)
  local er, ec = byte_position(bufnr, p.original["end"], encoding)
  entry.range = vim.api.nvim_buf_set_extmark(bufnr, ns, sr, sc, {
    end_row = er,
    end_col = ec,
    strict = false,
  })
  local first, last = rows(p.proposed)
  for row = first, last do
    vim.api.nvim_buf_set_extmark(bufnr, ns, row, 0, {
      line_hl_group = "KimiProposalAdd",
      sign_text = options.signs and "+" or nil,
      sign_hl_group = options.signs and "KimiProposalAddSign" or nil,
      invalidate = true,
      undo_restore = false,
      strict = false,
    })
  end
  local ofirst, olast = rows(p.original)
  for row = ofirst, olast do
    vim.api.nvim_buf_set_extmark(bufnr, ns, row, 0, {
      line_hl_group = "KimiProposalDelete",
      sign_text = options.signs and "-" or nil,
      sign_hl_group = options.signs and "KimiProposalDeleteSign" or nil,
      invalidate = true,
      undo_restore = false,
      strict = false,
    })
  end
  local os_row, os_col = byte_position(bufnr, p.original.start, encoding)
  if er > os_row or ec > os_col then
    vim.api.nvim_buf_set_extmark(bufnr, ns, os_row, os_col, {
      end_row = er,
      end_col = ec,
      hl_group = "KimiProposalStrike",
      strict = false,
    })
  end
  M.hint_at(bufnr, p)
end

--- Put the hint above the proposal as it is now (after the text moved, too).
---@param bufnr integer
---@param p table
function M.hint_at(bufnr, p)
  local entry = drawn[bufnr]
  if entry == nil or not config.options.review.hint then
    return
  end
  local start = entry.range
      and vim.api.nvim_buf_get_extmark_by_id(bufnr, ns, entry.range, {})
    or {}
  if start[1] == nil then
    return
  end
  if entry.hint then
    pcall(vim.api.nvim_buf_del_extmark, bufnr, ns, entry.hint)
  end
  entry.hint = vim.api.nvim_buf_set_extmark(bufnr, ns, start[1], 0, {
    virt_lines = { { { M.hint(p), "KimiProposalHint" } } },
    virt_lines_above = true,
    strict = false,
  })
end

--- Whether the buffer shows proposal `id`.
---@param bufnr integer
---@param id string|nil
---@return boolean
function M.shows(bufnr, id)
  local entry = drawn[bufnr]
  return entry ~= nil and (id == nil or entry.id == id)
end

--- Whether 0-based `row` is inside the proposal drawn in `bufnr` (its proposed lines or
--- the original below them).
---@param bufnr integer
---@param row integer
---@return boolean
function M.contains(bufnr, row)
  local entry = drawn[bufnr]
  if entry == nil or entry.range == nil then
    return false
  end
  local mark = vim.api.nvim_buf_get_extmark_by_id(bufnr, ns, entry.range, { details = true })
  if mark[1] == nil then
    return false
  end
  local last = mark[3] and mark[3].end_row or mark[1]
  return row >= mark[1] and row <= last
end

--- Remove the drawing and the keymaps.
---@param bufnr integer
function M.clear(bufnr)
  local entry = drawn[bufnr]
  drawn[bufnr] = nil
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
    if entry then
      remove_keymaps(bufnr, entry)
    end
  end
end

--- Remove every drawing (the server exited).
function M.clear_all()
  for bufnr in pairs(drawn) do
    M.clear(bufnr)
  end
end

return M
