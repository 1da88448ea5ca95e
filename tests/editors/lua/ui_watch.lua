-- `nvim --headless --clean -l ui_watch.lua <address> <out.json> <width> <height>`: a minimal
-- UI for the Neovim listening at <address>. Attached, it makes that Neovim lay out messages
-- as a terminal of that size would (a headless Neovim without a UI never asks "Press
-- ENTER"). It polls the mode (nvim_get_mode is answered even at a prompt); each hit-enter or
-- more prompt is recorded (mode and wall-clock time in ms), answered with <CR>, and counted
-- in g:kimi_prompts. It writes what it saw to <out.json> when that Neovim exits.
local address, out, width, height = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
assert(address and out and width and height, "usage: ui_watch.lua <address> <out> <width> <height>")

local function now_ms()
  local seconds, micros = vim.uv.gettimeofday()
  return seconds * 1000 + math.floor(micros / 1000)
end

local prompts = {}
local function save()
  local file = assert(io.open(out, "w"))
  file:write(vim.json.encode({ prompts = prompts }))
  file:close()
end

vim.wait(20000, function()
  return vim.uv.fs_stat(address) ~= nil
end, 20)
local pipe = assert(vim.uv.new_pipe(false))
local connected, closed = false, false
pipe:connect(address, function(err)
  connected = err == nil
  closed = err ~= nil
end)
vim.wait(10000, function()
  return connected or closed
end, 10)

local next_id, waiting = 0, {}
local function request(method, params, callback)
  next_id = next_id + 1
  waiting[next_id] = callback or function() end
  pipe:write(vim.mpack.encode({ 0, next_id, method, params }))
end

-- Read responses (type 1); the UI's redraw notifications (type 2) are dropped.
local buffer = ""
local unpack = vim.mpack.Unpacker()
if connected then
  pipe:read_start(function(err, data)
    if err or data == nil then
      closed = true
      return
    end
    buffer = buffer .. data
    local pos = 1
    while pos <= #buffer do
      local ok, message, after = pcall(unpack, buffer, pos)
      if not ok or message == nil then
        break
      end
      pos = after
      if message[1] == 1 and waiting[message[2]] then
        local callback = waiting[message[2]]
        waiting[message[2]] = nil
        callback(message[3], message[4])
      end
    end
    buffer = buffer:sub(pos)
  end)
  request("nvim_ui_attach", { width, height, { ext_linegrid = true } })
  local polling = false
  local timer = assert(vim.uv.new_timer())
  timer:start(0, 15, function()
    if closed or polling then
      return
    end
    polling = true
    request("nvim_get_mode", {}, function(_, mode)
      polling = false
      if type(mode) == "table" and (mode.mode == "r" or mode.mode == "rm") then
        prompts[#prompts + 1] = { mode = mode.mode, at = now_ms() }
        request("nvim_input", { "<CR>" })
        request("nvim_set_var", { "kimi_prompts", #prompts })
      end
    end)
  end)
end
vim.wait(120000, function()
  return closed
end, 50)
save()
