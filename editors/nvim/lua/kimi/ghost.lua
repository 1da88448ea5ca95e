-- Ghost text for Neovim 0.11, which has no inline completion of its own (0.12 has
-- vim.lsp.inline_completion, see completion.lua). In insert mode, after a pause in typing
-- (`debounce_ms`), the plugin asks kimi-lsp for `textDocument/inlineCompletion` at the cursor
-- and draws the answer there (ghost_view.lua). Typing what it shows keeps it; any other edit
-- or move cancels the request in flight and asks again. It can be accepted whole, by word or
-- by line, cycled through alternatives (the first move asks for them), or dismissed.
--
-- Neovim 0.11 never calls the handler of a request the server answers with RequestCancelled,
-- so a request is forgotten here the moment it is cancelled, never in its handler.
local client_util = require("kimi.client")
local S = require("kimi.ghost_state")
local suggestion = require("kimi.suggestion")
local view = require("kimi.ghost_view")

local M = {}

M.options = S.options

---@type table<integer, kimi.GhostState> by buffer
local states = {}

local INVOKED, AUTOMATIC = 1, 2
local METHOD = "textDocument/inlineCompletion"

--- Whether an automatic request makes sense now.
---@param state kimi.GhostState
---@return boolean
local function may_ask(state)
  if not S.in_insert_mode() or vim.api.nvim_get_current_buf() ~= state.bufnr then
    return false
  end
  if vim.b[state.bufnr].kimi_ghost_text == false or vim.bo[state.bufnr].buftype ~= "" then
    return false
  end
  if vim.fn.pumvisible() == 1 or vim.fn.complete_info({ "mode" }).mode ~= "" then
    return false -- a completion menu is open or on its way
  end
  local client = S.client_of(state)
  if client == nil or not client.initialized then
    return false
  end
  for _, request in pairs(client.requests or {}) do
    if request.type == "pending" and request.method == "textDocument/completion" then
      return false -- the completion fallback is asking: it would supersede it
    end
  end
  return true
end

---@param state kimi.GhostState
---@param result any
---@param at {row: integer, col: integer, tick: integer, kind: integer, move: integer|nil}
---@param client vim.lsp.Client
local function on_result(state, result, at, client)
  local row, col = S.cursor(state.bufnr)
  if row ~= at.row or col ~= at.col or vim.b[state.bufnr].changedtick ~= at.tick then
    return -- the text or the cursor moved on meanwhile
  end
  if not S.in_insert_mode() then
    return
  end
  local line = S.line_at(state.bufnr, row)
  local items = suggestion.fit(suggestion.items(result), line, row, col, client.offset_encoding)
  local shown = S.current(state)
  if at.move and shown then
    -- Alternatives for what is shown: it stays first, rebased on the cursor.
    local kept = vim.deepcopy(shown.item)
    kept.rest, kept.prefix = shown.rest, 0
    items = suggestion.merge({ kept }, items, "rest")
  end
  state.items = items
  state.origin = { row = row, col = col, after = line:sub(col + 1) }
  state.alternatives = at.kind == INVOKED -- an explicit request asks for alternatives
  state.index = 1
  if at.move and shown and #items > 1 then
    state.index = (at.move % #items) + 1
  end
  S.render(state)
end

--- Send a request at the cursor; `move` (for cycling) asks for alternatives.
---@param state kimi.GhostState
---@param kind integer
---@param move integer|nil
local function request(state, kind, move)
  local client = S.client_of(state)
  local row, col = S.cursor(state.bufnr)
  if client == nil or row == nil then
    return
  end
  S.cancel_pending(state)
  state.seq = state.seq + 1
  local seq = state.seq
  local tick = vim.b[state.bufnr].changedtick
  local at = { row = row, col = col, tick = tick, kind = kind, move = move }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(state.bufnr) },
    position = client_util.position(state.bufnr, row, col, client.offset_encoding),
    context = { triggerKind = kind },
  }
  local ok, id = client:request(METHOD, params, function(err, result)
    if state.pending == nil or state.pending.seq ~= seq then
      return -- superseded (a late answer to a cancelled request)
    end
    state.pending = nil
    view.hide_thinking(state.bufnr)
    if err == nil then
      on_result(state, result, at, client)
    end
  end, state.bufnr)
  if ok and id then
    state.pending = { id = id, client = client, seq = seq }
    view.show_thinking(state.bufnr, row, M.options.thinking)
  end
end

--- Ask again after a pause in typing (when `auto_trigger` is on).
---@param state kimi.GhostState
local function schedule(state)
  S.stop_timer(state)
  S.cancel_pending(state)
  if not M.options.auto_trigger then
    return
  end
  local timer = assert(vim.uv.new_timer())
  state.timer = timer
  timer:start(
    math.max(0, M.options.debounce_ms or 0),
    0,
    vim.schedule_wrap(function()
      if state.timer ~= timer then
        return
      end
      S.stop_timer(state)
      if states[state.bufnr] == state and may_ask(state) then
        request(state, AUTOMATIC)
      end
    end)
  )
end

--- After an edit or a cursor move in insert mode: keep what the typing agrees with, else ask.
---@param state kimi.GhostState
local function on_change(state)
  if S.current(state) then
    S.render(state)
    return
  end
  S.clear(state)
  schedule(state)
end

---@param state kimi.GhostState
local function stop(state)
  S.stop_timer(state)
  S.cancel_pending(state)
  S.clear(state)
end

--- Start ghost text in `bufnr` for `client`.
---@param client vim.lsp.Client
---@param bufnr integer
function M.attach(client, bufnr)
  if states[bufnr] then
    states[bufnr].client_id = client.id
    return
  end
  ---@type kimi.GhostState
  local state = { bufnr = bufnr, client_id = client.id, seq = 0, items = {}, index = 1 }
  states[bufnr] = state
  local group = vim.api.nvim_create_augroup("kimi.ghost." .. bufnr, { clear = true })
  local function on(events, callback)
    vim.api.nvim_create_autocmd(events, { group = group, buffer = bufnr, callback = callback })
  end
  on({ "InsertEnter", "TextChangedI", "CursorMovedI" }, function()
    on_change(state)
  end)
  on({ "CompleteChanged", "CompleteDone" }, function()
    vim.schedule(function()
      if states[bufnr] == state then
        S.render(state)
      end
    end)
  end)
  on({ "InsertLeave", "BufLeave" }, function()
    stop(state)
  end)
  on("LspDetach", function(ev)
    if ev.data and ev.data.client_id == state.client_id then
      M.detach(bufnr)
    end
  end)
  on({ "BufUnload", "BufWipeout" }, function()
    M.detach(bufnr)
  end)
end

--- Stop ghost text in `bufnr`.
---@param bufnr integer
function M.detach(bufnr)
  local state = states[bufnr]
  if state == nil then
    return
  end
  states[bufnr] = nil
  stop(state)
  pcall(vim.api.nvim_del_augroup_by_name, "kimi.ghost." .. bufnr)
end

--- Stop ghost text in every buffer.
function M.detach_all()
  for bufnr in pairs(states) do
    M.detach(bufnr)
  end
end

---@param bufnr integer|nil
---@return kimi.GhostState|nil
local function state_of(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  return states[bufnr]
end

--- Whether a suggestion is shown in the buffer.
---@param bufnr integer|nil
---@return boolean
function M.visible(bufnr)
  local state = state_of(bufnr)
  return state ~= nil and S.current(state) ~= nil
end

--- Accept the suggestion: "all", or its next "word" or "line" (the rest stays shown). The
--- item's command runs once all of it is in. False when nothing is shown.
---@param bufnr integer|nil
---@param how "all"|"word"|"line"|nil
---@return boolean
function M.accept(bufnr, how)
  local state = state_of(bufnr)
  local now = state and S.current(state)
  if state == nil or now == nil then
    return false
  end
  if M.options.hide_during_completion and vim.fn.pumvisible() == 1 then
    return false
  end
  local part = now.rest
  if how == "word" then
    part = suggestion.next_word(now.rest)
  elseif how == "line" then
    part = suggestion.next_line(now.rest)
  end
  local whole = part == now.rest
  S.stop_timer(state)
  S.cancel_pending(state)
  vim.cmd("let &undolevels = &undolevels") -- an undo step of its own
  local item, row, col = now.item, now.row, now.col
  local last = whole and col + item.replace or col
  if whole and item.snippet and now.typed == "" then
    vim.api.nvim_buf_set_text(state.bufnr, row, col - item.prefix, row, last, { "" })
    vim.api.nvim_win_set_cursor(0, { row + 1, col - item.prefix })
    S.clear(state)
    vim.snippet.expand(item.snippet)
  else
    local lines = vim.split(part, "\n", { plain = true })
    vim.api.nvim_buf_set_text(state.bufnr, row, col, row, last, lines)
    local end_col = (#lines == 1 and col or 0) + #lines[#lines]
    vim.api.nvim_win_set_cursor(0, { row + #lines, end_col })
    if whole then
      S.clear(state)
    else
      S.render(state)
    end
  end
  local client = S.client_of(state)
  if whole and item.command and client then
    client:exec_cmd(item.command, { bufnr = state.bufnr })
  end
  return true
end

--- Show the next (`count` 1) or previous (-1) alternative. The first move asks the server
--- for alternatives (an explicit request); with nothing shown, it asks for a suggestion.
---@param bufnr integer|nil
---@param count integer
---@return boolean handled false when ghost text is not on in the buffer
function M.cycle(bufnr, count)
  local state = state_of(bufnr)
  if state == nil then
    return false
  end
  if not state.alternatives or S.current(state) == nil then
    S.stop_timer(state)
    request(state, INVOKED, S.current(state) and count or nil)
    return true
  end
  state.index = (state.index - 1 + count) % #state.items + 1
  S.render(state)
  return true
end

--- Ask for a suggestion now (an explicit request, with alternatives).
---@param bufnr integer|nil
---@return boolean
function M.suggest(bufnr)
  local state = state_of(bufnr)
  if state == nil then
    return false
  end
  S.stop_timer(state)
  request(state, INVOKED)
  return true
end

--- Hide the suggestion (and stop asking until the next edit). False when nothing is shown.
---@param bufnr integer|nil
---@return boolean
function M.dismiss(bufnr)
  local state = state_of(bufnr)
  if state == nil or (S.current(state) == nil and state.pending == nil) then
    return false
  end
  stop(state)
  return true
end

--- Whether a request is out (for a statusline).
---@param bufnr integer|nil
---@return boolean
function M.pending(bufnr)
  local state = state_of(bufnr)
  return state ~= nil and state.pending ~= nil
end

return M
