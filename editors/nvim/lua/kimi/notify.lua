-- Messages that never leave a hit-enter prompt. Neovim asks "Press ENTER" when a message is
-- longer than the command line (`v:echospace`) or has a line break, and when two errors are
-- given at once. So every message of the plugin (and the server's `window/showMessage`) is
-- one line cut to fit, given with vim.notify, and at most one per event-loop turn (the most
-- severe, the last of equals). The whole text of each is kept for :KimiMessages.
local M = {}

local MAX_HISTORY = 50

---@type {text: string, level: integer}[] the whole messages, oldest first
local history = {}
---@type {text: string, level: integer}|nil the message waiting for the end of this turn
local queued = nil

--- `text` as one line: line breaks and runs of blanks become one space.
---@param text string
---@return string
function M.one_line(text)
  return vim.trim((text:gsub("[\r\n]+", " "):gsub("%s%s+", " ")))
end

--- `text` cut to `width` display cells, ending with "…" when it was cut.
---@param text string
---@param width integer
---@return string
function M.fit(text, width)
  width = math.max(1, width)
  if vim.fn.strdisplaywidth(text) <= width then
    return text
  end
  local out = ""
  local n = vim.fn.strchars(text)
  for i = 0, n - 1 do
    local next_out = out .. vim.fn.strcharpart(text, i, 1)
    if vim.fn.strdisplaywidth(next_out) > width - 1 then
      break
    end
    out = next_out
  end
  return out .. "…"
end

--- The room a message has on the command line without a hit-enter prompt.
---@return integer
function M.width()
  local space = vim.v.echospace
  if type(space) ~= "number" or space <= 0 then
    space = vim.o.columns - 12
  end
  return math.max(10, space - 1)
end

local function flush()
  local message = queued
  queued = nil
  if message then
    vim.notify(M.fit(message.text, M.width()), message.level)
  end
end

--- Show `text` as one line (cut to fit; :KimiMessages has it whole).
---@param text string
---@param level integer|nil vim.log.levels (INFO by default)
function M.show(text, level)
  level = level or vim.log.levels.INFO
  local line = M.one_line(tostring(text))
  if line == "" then
    return
  end
  history[#history + 1] = { text = line, level = level }
  if #history > MAX_HISTORY then
    table.remove(history, 1)
  end
  if queued == nil then
    vim.schedule(flush)
  elseif queued.level > level then
    return -- a more severe message waits already
  end
  queued = { text = line, level = level }
end

---@param text string
function M.info(text)
  M.show(text, vim.log.levels.INFO)
end

---@param text string
function M.warn(text)
  M.show(text, vim.log.levels.WARN)
end

---@param text string
function M.error(text)
  M.show(text, vim.log.levels.ERROR)
end

--- Every message kept, oldest first.
---@return {text: string, level: integer}[]
function M.history()
  return vim.deepcopy(history)
end

--- :KimiMessages: the plugin's recent messages in full (you asked: a prompt may follow).
function M.show_history()
  if #history == 0 then
    vim.api.nvim_echo({ { "Kimi: no messages yet." } }, false, {})
    return
  end
  local chunks = {}
  for i, message in ipairs(history) do
    local group = message.level >= vim.log.levels.ERROR and "ErrorMsg"
      or message.level == vim.log.levels.WARN and "WarningMsg"
      or nil
    chunks[#chunks + 1] = { message.text, group }
    if i < #history then
      chunks[#chunks + 1] = { "\n" }
    end
  end
  vim.api.nvim_echo(chunks, false, {})
end

local LEVELS = {
  [1] = vim.log.levels.ERROR,
  [2] = vim.log.levels.WARN,
  [3] = vim.log.levels.INFO,
  [4] = vim.log.levels.INFO,
}

--- The handler for `window/showMessage` from kimi-lsp (Neovim's own ends the message with
--- a line break, which always asks "Press ENTER").
function M.show_message_handler(_, params, _)
  if type(params) ~= "table" or type(params.message) ~= "string" then
    return
  end
  local text = params.message
  if not text:match("^[Kk]imi") then
    text = "Kimi: " .. text
  end
  M.show(text, LEVELS[params.type] or vim.log.levels.INFO)
end

return M
