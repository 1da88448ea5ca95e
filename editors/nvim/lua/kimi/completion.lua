-- Ghost text (AI suggestions at the cursor) for kimi-lsp: on by default, set up by
-- plugin/kimi.lua or `require("kimi").setup({ completion = {...} })`.
--
-- * Neovim 0.12+: the built-in `vim.lsp.inline_completion`, enabled for the kimi client.
-- * Neovim 0.11: the plugin's own (ghost.lua): it asks as you type and draws the suggestion
--   as virtual text. The completion-menu fallback (popup.lua: <C-x><C-o>, then <C-y>) stays
--   available too.
--
-- Insert-mode keys, mapped in the buffers kimi attaches to (none of them <Tab> unless you
-- choose it): accept, accept_word, accept_line, next, prev, dismiss. When there is nothing to
-- act on, a key does what it did before (its previous mapping, or the key itself).
local ghost = require("kimi.ghost")
local popup = require("kimi.popup")
local suggestion = require("kimi.suggestion")

local M = {}

M.implemented = true

---@class kimi.CompletionOptions
M.defaults = {
  enabled = true,
  auto_trigger = true, -- 0.11: ask while typing (false: only when next/prev is pressed)
  debounce_ms = 150, -- 0.11: the pause in typing before a request
  thinking = "…", -- 0.11: shown at the end of the line while a request is out (false: none)
  hide_during_completion = true, -- 0.11: no ghost text while the completion menu is open
  keys = {
    accept = "<M-l>", -- accept the whole suggestion
    accept_word = "<M-Right>", -- accept its next word
    accept_line = "<M-C-Right>", -- accept the rest of its line
    next = "<M-]>", -- next alternative (asks for them first; asks for a suggestion if none)
    prev = "<M-[>", -- previous alternative
    dismiss = "<C-]>", -- hide it
  },
  -- 0.11, the completion-menu fallback: set 'omnifunc' to v:lua.vim.lsp.omnifunc when the
  -- buffer has none of its own (nil), always (true) or never (false), and enable
  -- vim.lsp.completion (without autotrigger) so that <C-y> inserts a multi-line item whole.
  omnifunc = nil,
  lsp_completion = true,
}

M.options = vim.deepcopy(M.defaults)

--- Whether this Neovim has the built-in inline completion (0.12+).
---@return boolean
function M.has_inline()
  return vim.lsp.inline_completion ~= nil
end

M.convert = popup.convert

--- 0.12: accept the next word or line of the built-in's suggestion.
---@param how "word"|"line"
---@return boolean
local function builtin_accept_part(how)
  return vim.lsp.inline_completion.get({
    on_accept = function(item)
      local text = item.insert_text
      text = type(text) == "string" and text or suggestion.snippet_text(text.value)
      local pos = vim.api.nvim_win_get_cursor(0)
      local row, col = pos[1] - 1, pos[2]
      local start = item.range and item.range.start
      local typed = ""
      if start and start.row == row and start.col <= col then
        typed = vim.api.nvim_get_current_line():sub(start.col + 1, col)
      end
      local rest = suggestion.after_typing(text, typed)
      if rest == nil or rest == "" then
        return
      end
      local part = how == "word" and suggestion.next_word(rest) or suggestion.next_line(rest)
      local lines = vim.split(part, "\n", { plain = true })
      vim.api.nvim_buf_set_text(0, row, col, row, col, lines)
      vim.api.nvim_win_set_cursor(0, { row + #lines, (#lines == 1 and col or 0) + #lines[#lines] })
    end,
  }) == true
end

--- Accept the suggestion shown in the current buffer: whole (`how` nil or "all"), or its next
--- "word" or "line".
---@param how "all"|"word"|"line"|nil
---@return boolean accepted false when there was nothing to accept
function M.accept(how)
  if M.has_inline() then
    if how == "word" or how == "line" then
      return builtin_accept_part(how)
    end
    return vim.lsp.inline_completion.get() == true
  end
  return ghost.accept(0, how or "all")
end

--- Show the next (count 1) or previous (count -1) alternative.
---@param count integer
---@return boolean
function M.select(count)
  if M.has_inline() then
    local builtin = vim.lsp.inline_completion
    local move = builtin.select or builtin.jump
    if move then
      move({ count = count })
    end
    return true
  end
  return ghost.cycle(0, count)
end

--- Hide the suggestion.
---@return boolean dismissed false when nothing was shown
function M.dismiss()
  if M.has_inline() then
    return vim.lsp.inline_completion.get({ on_accept = function() end }) == true
  end
  return ghost.dismiss(0)
end

--- Ask for a suggestion now (0.11; 0.12 asks by itself).
---@return boolean
function M.suggest()
  return not M.has_inline() and ghost.suggest(0)
end

local ACTIONS = {
  accept = function()
    return M.accept("all")
  end,
  accept_word = function()
    return M.accept("word")
  end,
  accept_line = function()
    return M.accept("line")
  end,
  next = function()
    return M.select(1)
  end,
  prev = function()
    return M.select(-1)
  end,
  dismiss = M.dismiss,
}

local DESCRIPTIONS = {
  accept = "accept the suggestion",
  accept_word = "accept the next word of the suggestion",
  accept_line = "accept the next line of the suggestion",
  next = "next suggestion",
  prev = "previous suggestion",
  dismiss = "dismiss the suggestion",
}

---@param keys string
---@param remap boolean
local function feed(keys, remap)
  local codes = vim.api.nvim_replace_termcodes(keys, true, false, true)
  vim.api.nvim_feedkeys(codes, remap and "m" or "n", false)
end

--- Do what `lhs` did before it was mapped here: its previous mapping, or the key itself.
---@param lhs string
---@param previous table|nil maparg() of the mapping this one shadows
local function fall_back(lhs, previous)
  if previous == nil then
    feed(lhs, false)
    return
  end
  local remap = previous.noremap ~= 1
  if previous.callback then
    local keys = previous.callback()
    if previous.expr == 1 and type(keys) == "string" then
      feed(keys, remap)
    end
  elseif type(previous.rhs) == "string" then
    feed(previous.expr == 1 and vim.api.nvim_eval(previous.rhs) or previous.rhs, remap)
  end
end

---@type table<integer, string[]> the keys mapped in each buffer
local mapped = {}

---@param bufnr integer
local function unmap_keys(bufnr)
  for _, lhs in ipairs(mapped[bufnr] or {}) do
    pcall(vim.keymap.del, "i", lhs, { buffer = bufnr })
  end
  mapped[bufnr] = nil
end

---@param bufnr integer
local function map_keys(bufnr)
  unmap_keys(bufnr)
  mapped[bufnr] = {}
  local keys = M.options.keys or {}
  for name, action in pairs(ACTIONS) do
    local lhs = keys[name]
    if type(lhs) == "string" and lhs ~= "" then
      local previous = vim.api.nvim_buf_call(bufnr, function()
        return vim.fn.maparg(lhs, "i", false, true)
      end)
      if next(previous) == nil or tostring(previous.desc or ""):find("^Kimi: ") then
        previous = nil
      end
      vim.keymap.set("i", lhs, function()
        if not action() then
          fall_back(lhs, previous)
        end
      end, { buffer = bufnr, desc = "Kimi: " .. DESCRIPTIONS[name] })
      table.insert(mapped[bufnr], lhs)
    end
  end
end

--- Set up ghost text for a buffer the kimi client is attached to.
---@param client vim.lsp.Client
---@param bufnr integer
function M.attach(client, bufnr)
  if M.has_inline() then
    vim.lsp.inline_completion.enable(true, { client_id = client.id })
  else
    ghost.attach(client, bufnr)
    popup.attach(client, bufnr, M.options)
  end
  map_keys(bufnr)
end

--- Options of earlier versions: accept_key, next_key and prev_key.
---@param options table
local function upgrade(options)
  options.keys = vim.deepcopy(options.keys or {})
  for old, new in pairs({ accept_key = "accept", next_key = "next", prev_key = "prev" }) do
    if options[old] ~= nil then
      options.keys[new] = options[old]
    end
  end
end

--- Undo attach() in every buffer (before setup() applies new options).
local function detach_all()
  for bufnr in pairs(mapped) do
    if vim.api.nvim_buf_is_valid(bufnr) then
      unmap_keys(bufnr)
    end
    mapped[bufnr] = nil
  end
  ghost.detach_all()
  if M.has_inline() then
    for _, client in ipairs(vim.lsp.get_clients({ name = "kimi" })) do
      pcall(vim.lsp.inline_completion.enable, false, { client_id = client.id })
    end
  end
end

M.configured = false

--- Enable ghost text for the kimi client: for the buffers it attaches to from now on, and for
--- those it is attached to already.
---@param opts kimi.CompletionOptions|table|nil
function M.setup(opts)
  opts = vim.deepcopy(opts or {})
  upgrade(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts)
  M.configured = true
  detach_all()
  for _, name in ipairs({ "auto_trigger", "debounce_ms", "thinking", "hide_during_completion" }) do
    ghost.options[name] = M.options[name]
  end
  local group = vim.api.nvim_create_augroup("kimi.completion", { clear = true })
  if M.options.enabled == false or M.options.enable == false then
    return
  end
  vim.api.nvim_create_autocmd("LspAttach", {
    group = group,
    desc = "Kimi: ghost text",
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == "kimi" then
        M.attach(client, ev.buf)
      end
    end,
  })
  for _, client in ipairs(vim.lsp.get_clients({ name = "kimi" })) do
    for bufnr in pairs(client.attached_buffers) do
      M.attach(client, bufnr)
    end
  end
end

--- Ghost text with the default options, unless setup() configured it already.
function M.setup_default()
  if not M.configured then
    M.setup()
  end
end

return M
