-- The state of ghost text in one buffer (ghost.lua): where the suggestions apply, which one
-- is shown, what the user typed of it since, and drawing it.
local suggestion = require("kimi.suggestion")
local view = require("kimi.ghost_view")

local M = {}

---@class kimi.GhostOptions
M.options = {
  auto_trigger = true, -- ask while typing; false: only when next/prev is pressed
  debounce_ms = 150, -- the pause in typing before a request
  thinking = "…", -- shown at the end of the line while a request is out; false: nothing
  hide_during_completion = true, -- hide it while the completion menu is open
}

---@class kimi.GhostState
---@field bufnr integer
---@field client_id integer
---@field seq integer
---@field timer uv.uv_timer_t|nil
---@field pending {id: integer, client: vim.lsp.Client, seq: integer}|nil
---@field origin {row: integer, col: integer, after: string}|nil where the items apply
---@field items kimi.GhostItem[]
---@field index integer
---@field alternatives boolean the items include an explicit request's alternatives

---@param state kimi.GhostState
---@return vim.lsp.Client|nil
function M.client_of(state)
  local client = vim.lsp.get_client_by_id(state.client_id)
  if client and not client:is_stopped() then
    return client
  end
  return nil
end

--- The cursor (0-based row, byte column) when `bufnr` is the current window's buffer.
---@param bufnr integer
---@return integer|nil, integer|nil
function M.cursor(bufnr)
  if vim.api.nvim_get_current_buf() ~= bufnr then
    return nil, nil
  end
  local pos = vim.api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

---@param bufnr integer
---@param row integer
---@return string
function M.line_at(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
end

function M.in_insert_mode()
  return vim.api.nvim_get_mode().mode:sub(1, 1) == "i"
end

---@param state kimi.GhostState
function M.stop_timer(state)
  local timer = state.timer
  state.timer = nil
  if timer and not timer:is_closing() then
    timer:stop()
    timer:close()
  end
end

--- Cancel the request in flight, if any, and forget it.
---@param state kimi.GhostState
function M.cancel_pending(state)
  local pending = state.pending
  state.pending = nil
  if pending then
    pcall(pending.client.cancel_request, pending.client, pending.id)
  end
  view.hide_thinking(state.bufnr)
end

---@param state kimi.GhostState
function M.clear(state)
  state.items, state.index, state.origin, state.alternatives = {}, 1, nil, false
  view.hide(state.bufnr)
end

--- The text typed since the origin, or nil when the cursor left it (moved before it, or the
--- text after the cursor changed).
---@param state kimi.GhostState
---@param row integer
---@param col integer
---@return string|nil
function M.typed_since_origin(state, row, col)
  local origin = state.origin
  if origin == nil or row < origin.row or (row == origin.row and col < origin.col) then
    return nil
  end
  if M.line_at(state.bufnr, row):sub(col + 1) ~= origin.after then
    return nil
  end
  local ok, parts =
    pcall(vim.api.nvim_buf_get_text, state.bufnr, origin.row, origin.col, row, col, {})
  return ok and table.concat(parts, "\n") or nil
end

---@class kimi.GhostCurrent
---@field item kimi.GhostItem
---@field rest string what is still to insert at the cursor
---@field typed string what was typed (or accepted) since the origin
---@field row integer
---@field col integer

--- The suggestion shown now, if the cursor is still on it.
---@param state kimi.GhostState
---@return kimi.GhostCurrent|nil
function M.current(state)
  local item = state.items[state.index]
  local row, col = M.cursor(state.bufnr)
  if item == nil or row == nil then
    return nil
  end
  local typed = M.typed_since_origin(state, row, col)
  local rest = typed and suggestion.after_typing(item.rest, typed)
  if rest == nil or rest == "" then
    return nil
  end
  return { item = item, rest = rest, typed = typed, row = row, col = col }
end

---@param state kimi.GhostState
function M.render(state)
  local now = M.current(state)
  if now == nil or (M.options.hide_during_completion and vim.fn.pumvisible() == 1) then
    view.hide(state.bufnr)
    return
  end
  local shown = now.rest
  if now.item.replace > 0 and not shown:find("\n", 1, true) then
    -- The item replaces text after the cursor that ends it: do not show that text twice.
    local tail = state.origin.after:sub(1, now.item.replace)
    if shown:sub(-#tail) == tail then
      shown = shown:sub(1, #shown - #tail)
    end
  end
  local annotation = #state.items > 1 and ("(%d/%d)"):format(state.index, #state.items) or nil
  view.show(state.bufnr, now.row, now.col, shown, annotation)
end

return M
