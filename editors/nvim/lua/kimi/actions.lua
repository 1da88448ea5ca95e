-- What the user commands and the client-side command handlers do: each sends one
-- `workspace/executeCommand` to kimi-lsp and handles its answer.
local client_util = require("kimi.client")
local progress = require("kimi.progress")
local stream = require("kimi.stream")

local M = {}

---@type table<string, {client: vim.lsp.Client, id: integer, bufnr: integer, view: kimi.View}>
local explains = {} -- running explain requests, by stream id

local function uri_of(bufnr)
  return vim.uri_from_bufnr(bufnr)
end

---@param arg table
---@param fallback integer|nil
---@return integer
local function buffer_of(arg, fallback)
  local bufnr = type(arg.uri) == "string" and client_util.loaded_buffer(arg.uri) or nil
  return bufnr or fallback or vim.api.nvim_get_current_buf()
end

--- Start `kimi.explain` for `arg` ({uri, range}) and show the answer in a window.
---@param client vim.lsp.Client
---@param bufnr integer
---@param arg table
function M.start_explain(client, bufnr, arg)
  arg = vim.deepcopy(arg)
  arg.streamId = stream.new_id()
  local key = arg.streamId
  local view = require("kimi.view").open({
    title = "Kimi: explain",
    on_close = function()
      local running = explains[key]
      if running then
        running.client:cancel_request(running.id)
      end
    end,
  })
  stream.attach(arg.streamId, view)
  local id = client_util.execute(client, bufnr, "kimi.explain", arg, function(err, result)
    explains[key] = nil
    stream.detach(key)
    if err then
      view:fail(client_util.is_cancelled(err) and "cancelled" or tostring(err.message))
    else
      view:finish(type(result) == "table" and result.markdown or nil)
    end
  end)
  if id then
    explains[key] = { client = client, id = id, bufnr = bufnr, view = view }
  else
    stream.detach(key)
    view:fail("the request could not be sent")
  end
end

--- Start a rewrite (`kimi.refactor` or `kimi.fix`). The edits stream into the buffer; the
--- server itself reports failures (window/showMessage), so a result prints nothing. (The
--- session cost is refreshed when the command's progress ends: see progress.lua.)
---@param client vim.lsp.Client
---@param bufnr integer
---@param command string
---@param arg table
function M.start_rewrite(client, bufnr, command, arg)
  arg = vim.deepcopy(arg)
  arg.streamId = stream.new_id()
  client_util.execute(client, bufnr, command, arg)
end

--- Ask for the refactoring instruction unless `arg` has one (or a preset), then continue.
---@param arg table
---@param continue fun(arg: table)
function M.with_instruction(arg, continue)
  local instruction = arg.instruction
  local has_instruction = type(instruction) == "string" and vim.trim(instruction) ~= ""
  local has_preset = type(arg.preset) == "string" and arg.preset ~= ""
  if has_instruction or has_preset then
    continue(arg)
    return
  end
  vim.ui.input({ prompt = "Kimi refactor: " }, function(input)
    if input == nil or vim.trim(input) == "" then
      return -- dismissed: nothing is sent
    end
    arg.instruction = vim.trim(input)
    continue(arg)
  end)
end

--- The client and the single object argument of a code action's command; nil (after an
--- error message) when either is missing.
---@param command lsp.Command
---@param ctx table
---@param usage string
---@return vim.lsp.Client?, table?
local function command_target(command, ctx, usage)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local arg = command.arguments and command.arguments[1]
  if client == nil or type(arg) ~= "table" then
    vim.notify("Kimi: " .. usage, vim.log.levels.ERROR)
    return nil, nil
  end
  return client, arg
end

-- Client-side handlers for the code actions' commands (the `commands` of lsp/kimi.lua). A
-- client-side handler wins over the server in exec_cmd, so each sends the request itself.

---@param command lsp.Command
---@param ctx table
function M.explain_command(command, ctx)
  local client, arg = command_target(command, ctx, "kimi.explain needs {uri, range}")
  if client == nil then
    return
  end
  M.start_explain(client, buffer_of(arg, ctx.bufnr), arg)
end

---@param command lsp.Command
---@param ctx table
function M.refactor_command(command, ctx)
  local client, arg = command_target(command, ctx, "kimi.refactor needs {uri, range}")
  if client == nil then
    return
  end
  arg = vim.deepcopy(arg)
  if client_util.is_nil(arg.instruction) then
    arg.instruction = nil
  end
  local bufnr = buffer_of(arg, ctx.bufnr)
  M.with_instruction(arg, function(a)
    M.start_rewrite(client, bufnr, "kimi.refactor", a)
  end)
end

---@param command lsp.Command
---@param ctx table
function M.fix_command(command, ctx)
  local client, arg = command_target(command, ctx, "kimi.fix needs {uri, range, diagnostics}")
  if client == nil then
    return
  end
  M.start_rewrite(client, buffer_of(arg, ctx.bufnr), "kimi.fix", arg)
end

-- User commands. `opts` is what nvim_create_user_command passes (line1, line2, range, args).

---@param opts table
function M.explain(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_util.get(bufnr)
  if client == nil then
    return
  end
  local range = client_util.command_range(bufnr, opts, client.offset_encoding)
  M.start_explain(client, bufnr, { uri = uri_of(bufnr), range = range })
end

---@param opts table
function M.refactor(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_util.get(bufnr)
  if client == nil then
    return
  end
  local arg = {
    uri = uri_of(bufnr),
    range = client_util.command_range(bufnr, opts, client.offset_encoding),
    instruction = vim.trim(opts.args or ""),
  }
  M.with_instruction(arg, function(a)
    M.start_rewrite(client, bufnr, "kimi.refactor", a)
  end)
end

---@param opts table
function M.fix(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_util.get(bufnr)
  if client == nil then
    return
  end
  local encoding = client.offset_encoding
  local diagnostics, top, bottom =
    client_util.lsp_diagnostics(bufnr, opts.line1, opts.line2, encoding)
  if #diagnostics == 0 then
    vim.notify(
      ("Kimi: no diagnostics on line%s %d%s"):format(
        opts.line1 == opts.line2 and "" or "s",
        opts.line1,
        opts.line1 == opts.line2 and "" or ("-" .. opts.line2)
      ),
      vim.log.levels.WARN
    )
    return
  end
  M.start_rewrite(client, bufnr, "kimi.fix", {
    uri = uri_of(bufnr),
    range = client_util.line_range(bufnr, top + 1, bottom + 1, encoding),
    diagnostics = diagnostics,
  })
end

function M.undo()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_util.get(bufnr)
  if client == nil then
    return
  end
  client_util.execute(client, bufnr, "kimi.undo", { uri = uri_of(bufnr) })
end

--- Stop the Kimi commands of this buffer (of every buffer with a bang). Run from an
--- explanation window, it stops that explanation.
---@param opts table|nil
function M.cancel(opts)
  local all = opts ~= nil and opts.bang == true
  local bufnr = vim.api.nvim_get_current_buf()
  -- Explanations are cancelled by their request ($/cancelRequest), which always works.
  local stopped = 0
  for key, running in pairs(explains) do
    if all or running.bufnr == bufnr or running.view.buf == bufnr then
      explains[key] = nil
      running.client:cancel_request(running.id)
      stopped = stopped + 1
    end
  end
  local clients = all and vim.lsp.get_clients({ name = client_util.NAME })
    or { client_util.get(bufnr, true) }
  local function report()
    local text = stopped > 0 and "Kimi: cancelled" or "Kimi: nothing to cancel"
    vim.api.nvim_echo({ { text } }, false, {})
  end
  local pending = #clients
  if pending == 0 then
    report()
    return
  end
  for _, c in ipairs(clients) do
    local arg = (not all) and { uri = uri_of(bufnr) } or nil
    client_util.execute(c, bufnr, "kimi.cancel", arg, function(err, result)
      if not err and type(result) == "table" and type(result.cancelled) == "number" then
        stopped = stopped + result.cancelled
      end
      pending = pending - 1
      if pending == 0 then
        report()
      end
    end)
  end
end

--- Print the session's requests, tokens and cost.
function M.usage()
  local client = client_util.get(0, true) or vim.lsp.get_clients({ name = client_util.NAME })[1]
  if client == nil then
    vim.notify("Kimi: kimi-lsp is not running (see :checkhealth kimi)", vim.log.levels.WARN)
    return
  end
  progress.refresh_usage(client, function(err, usage)
    if err then
      vim.notify(client_util.with_prefix(tostring(err.message)), vim.log.levels.ERROR)
    elseif type(usage) == "table" then
      vim.notify(progress.usage_line(usage), vim.log.levels.INFO)
    end
  end)
end

return M
