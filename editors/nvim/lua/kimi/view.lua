-- The explanation window: a markdown scratch buffer in a float (or a split) that fills in as
-- the `kimi/stream` deltas arrive. It opens without taking the cursor (`explain.enter`);
-- :KimiExplainShow moves into it, or reopens it once closed. `q` in it closes it.
local config = require("kimi.config")

local M = {}

local PLACEHOLDER = "_Kimi is thinking…_"

---@class kimi.View
---@field buf integer
---@field win integer|nil
---@field title string
---@field text string what the stream has written so far
---@field running boolean
---@field placeholder boolean
---@field gone boolean|nil the buffer was wiped
---@field orphan boolean|nil
---@field on_close fun(view: kimi.View)|nil
local View = {}
View.__index = View

---@type kimi.View|nil the most recent view (shown or not)
M.current = nil

---@param view kimi.View
---@param lines string[]
---@param first integer
---@param last integer
local function write(view, lines, first, last)
  if not vim.api.nvim_buf_is_valid(view.buf) then
    return
  end
  vim.bo[view.buf].modifiable = true
  vim.api.nvim_buf_set_lines(view.buf, first, last, false, lines)
  vim.bo[view.buf].modifiable = false
end

---@param opts table
---@return integer
local function max_float_height(opts)
  local limit = opts.max_height
  if limit <= 1 then
    limit = math.floor(vim.o.lines * limit)
  end
  return math.max(3, math.min(limit, vim.o.lines - 4))
end

--- A window on `buf`, the float or the split of the `explain` options.
---@param buf integer
---@param title string
---@param enter boolean
---@return integer win
local function open_window(buf, title, enter)
  local opts = config.options.explain
  local win
  if opts.layout == "split" then
    win = vim.api.nvim_open_win(buf, enter, {
      split = "below",
      win = -1,
      height = opts.split_height,
    })
  else
    local width = math.max(20, math.min(opts.width, vim.o.columns - 4))
    win = vim.api.nvim_open_win(buf, enter, {
      relative = "editor",
      row = math.max(0, math.floor((vim.o.lines - max_float_height(opts)) / 2) - 1),
      col = math.max(0, math.floor((vim.o.columns - width) / 2)),
      width = width,
      height = 1,
      border = opts.border,
      title = " " .. title .. " ",
      title_pos = "center",
      style = "minimal",
    })
  end
  vim.wo[win].wrap = true
  vim.wo[win].linebreak = true
  return win
end

--- Open a new explanation window (the previous explanation is dropped).
---@param o {title: string|nil, on_close: fun(view: kimi.View)|nil}|nil
---@return kimi.View
function M.open(o)
  o = o or {}
  if M.current then
    M.current:close()
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].bufhidden = "hide" -- kept when its window closes, for :KimiExplainShow
  vim.bo[buf].filetype = "markdown"
  local view = setmetatable({
    buf = buf,
    title = o.title or "Kimi: explain",
    text = "",
    running = true,
    placeholder = true,
    on_close = o.on_close,
  }, View)
  write(view, { PLACEHOLDER }, 0, -1)
  vim.keymap.set("n", "q", function()
    view:hide()
  end, { buffer = buf, nowait = true, silent = true, desc = "Close the Kimi explanation" })
  vim.api.nvim_create_autocmd("BufWipeout", {
    buffer = buf,
    once = true,
    callback = function()
      view:closed()
    end,
  })
  M.current = view
  view:show(config.options.explain.enter)
  return view
end

--- Show the most recent explanation: move into its window, or reopen it when closed. False
--- when there is none.
---@return boolean
function M.show_current()
  local view = M.current
  if view == nil or not view:valid() then
    return false
  end
  if view:shown() then
    vim.api.nvim_set_current_win(view.win)
  else
    view:show(config.options.explain.enter)
  end
  return true
end

function View:valid()
  return vim.api.nvim_buf_is_valid(self.buf)
end

function View:shown()
  return self.win ~= nil and vim.api.nvim_win_is_valid(self.win)
end

--- Open a window on the explanation (when none is open).
---@param enter boolean
function View:show(enter)
  if self:shown() or not self:valid() then
    return
  end
  local win = open_window(self.buf, self:window_title(), enter)
  self.win = win
  vim.api.nvim_create_autocmd("WinClosed", {
    pattern = tostring(win),
    once = true,
    callback = function()
      if self.win == win then
        self.win = nil
        self:hidden()
      end
    end,
  })
  self:resize()
end

--- Grow a float to its text, up to its maximum height.
function View:resize()
  local win = self.win
  if win == nil or not vim.api.nvim_win_is_valid(win) then
    return
  end
  if vim.api.nvim_win_get_config(win).relative == "" then
    return -- a split keeps the height it was given
  end
  local ok, size = pcall(vim.api.nvim_win_text_height, win, {})
  local height = ok and size.all or vim.api.nvim_buf_line_count(self.buf)
  height = math.max(1, math.min(height, max_float_height(config.options.explain)))
  if height ~= vim.api.nvim_win_get_height(win) then
    vim.api.nvim_win_set_config(win, { height = height })
  end
end

--- Add streamed text.
---@param delta string
function View:append(delta)
  if delta == "" or not self:valid() then
    return
  end
  if self.placeholder then
    self.placeholder = false
    write(self, { "" }, 0, -1)
  end
  local count = vim.api.nvim_buf_line_count(self.buf)
  local last = vim.api.nvim_buf_get_lines(self.buf, count - 1, count, false)[1] or ""
  write(self, vim.split(last .. delta, "\n", { plain = true }), count - 1, count)
  self.text = self.text .. delta
  self:resize()
end

function View:window_title()
  return self.state and (self.title .. " · " .. self.state) or self.title
end

---@param state string
function View:set_state(state)
  self.state = state
  local win = self.win
  if win and vim.api.nvim_win_is_valid(win) and vim.api.nvim_win_get_config(win).relative ~= "" then
    local title = " " .. self:window_title() .. " "
    pcall(vim.api.nvim_win_set_config, win, { title = title, title_pos = "center" })
  end
end

--- The command's result: the whole explanation replaces the streamed text if it differs.
---@param markdown string|nil
function View:finish(markdown)
  self.running = false
  if not self:valid() then
    return
  end
  if type(markdown) == "string" and markdown ~= self.text then
    self.text = markdown
    self.placeholder = false
    write(self, vim.split(markdown, "\n", { plain = true }), 0, -1)
  elseif self.placeholder then
    self.placeholder = false
    write(self, { "_(no explanation)_" }, 0, -1)
  end
  self:resize()
end

--- The command failed or was cancelled: say so at the end of the text.
---@param why string
function View:fail(why)
  if not self.running then
    return
  end
  self.running = false
  if not self:valid() then
    return
  end
  local note = why == "cancelled" and "_Cancelled._" or ("**Kimi failed:** " .. why)
  if self.placeholder then
    self.placeholder = false
    write(self, { note }, 0, -1)
  else
    write(self, { "", note }, -1, -1)
  end
  self:set_state(why == "cancelled" and "cancelled" or "failed")
  self:resize()
end

--- Close the window; the explanation stays for :KimiExplainShow.
function View:hide()
  local win = self.win
  if win and vim.api.nvim_win_is_valid(win) then
    pcall(vim.api.nvim_win_close, win, true)
  end
  if self.win == win then
    self.win = nil
    self:hidden()
  end
end

--- Drop the explanation: its window and its buffer.
function View:close()
  self:hide()
  if self:valid() then
    pcall(vim.api.nvim_buf_delete, self.buf, { force = true })
  end
  self:closed()
end

--- The window is gone: stop a running request if asked to.
function View:hidden()
  if self.running and self.on_close and config.options.explain.cancel_on_close then
    self.on_close(self)
  end
end

--- The buffer is gone.
function View:closed()
  if self.gone then
    return
  end
  self.gone = true
  if M.current == self then
    M.current = nil
  end
  self:hidden()
end

return M
