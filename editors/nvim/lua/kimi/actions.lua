-- What the user commands and the client-side command handlers do: each sends one
-- `workspace/executeCommand` to kimi-lsp and handles its answer.
local client_util = require("kimi.client")
local notify = require("kimi.notify")
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

--- Forget a running explain (its request ended, was cancelled, or its client is gone).
---@param key string
local function forget_explain(key)
  explains[key] = nil
  stream.detach(key)
end

--- Whether an explain's request is still out. Neovim 0.11 never calls the handler of a
--- request answered with RequestCancelled, so a cancelled one is recognised here.
---@param running {client: vim.lsp.Client, id: integer}
---@return boolean
local function still_running(running)
  if running.client:is_stopped() then
    return false
  end
  local request = running.client.requests and running.client.requests[running.id]
  return request ~= nil and request.type == "pending"
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
      explains[key] = nil -- (the stream goes on into the hidden window until it ends)
      if running and still_running(running) then
        running.client:cancel_request(running.id)
      end
    end,
  })
  stream.attach(key, view, function()
    explains[key] = nil -- the stream ended (done, failed or cancelled)
  end)
  local id = client_util.execute(client, bufnr, "kimi.explain", arg, function(err, result)
    forget_explain(key)
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

--- The kimi client `client_id` exited: its explanations will never finish.
---@param client_id integer
function M.client_exited(client_id)
  for key, running in pairs(explains) do
    if running.client.id == client_id then
      forget_explain(key)
      running.view:fail("kimi-lsp stopped")
    end
  end
end

--- Start a rewrite (`kimi.refactor` or `kimi.fix`). The proposal streams into the buffer
--- above the selection and is drawn from `kimi/proposal` (review.lua); its edits join one
--- undo step (undo_group.lua). The server itself reports failures (window/showMessage), so
--- a result prints nothing. (The session cost is refreshed when the command's progress
--- ends: see progress.lua.)
---@param client vim.lsp.Client
---@param bufnr integer
---@param command string
---@param arg table
function M.start_rewrite(client, bufnr, command, arg)
  arg = vim.deepcopy(arg)
  arg.streamId = stream.new_id()
  local undo_group = require("kimi.undo_group")
  undo_group.rewrite_started(bufnr)
  require("kimi.line_log").watch(bufnr) -- (to place the proposal if you type meanwhile)
  client_util.execute(client, bufnr, command, arg, function()
    undo_group.rewrite_ended(bufnr) -- (also when it could not be sent)
    local rewrite = require("kimi.proposals").rewrite_of(bufnr)
    if not (rewrite and require("kimi.proposals").is_pending(rewrite.state)) then
      require("kimi.line_log").unwatch(bufnr)
    end
  end)
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
    notify.error("Kimi: " .. usage)
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
    notify.warn(("Kimi: no diagnostics on line%s %d%s"):format(
      opts.line1 == opts.line2 and "" or "s",
      opts.line1,
      opts.line1 == opts.line2 and "" or ("-" .. opts.line2)
    ))
    return
  end
  M.start_rewrite(client, bufnr, "kimi.fix", {
    uri = uri_of(bufnr),
    range = client_util.line_range(bufnr, top + 1, bottom + 1, encoding),
    diagnostics = diagnostics,
  })
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
    if not still_running(running) then
      explains[key] = nil -- ended without a word (a cancelled request, a stopped client)
    elseif all or running.bufnr == bufnr or running.view.buf == bufnr then
      explains[key] = nil
      running.client:cancel_request(running.id)
      stopped = stopped + 1
    end
  end
  local clients = all and vim.lsp.get_clients({ name = client_util.NAME })
    or { client_util.get(bufnr, true) }
  local function report()
    local text = stopped > 0 and "Kimi: cancelled." or "Kimi: nothing was running."
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

--- Show the last explanation again: move into its window, or reopen it when closed.
function M.explain_show()
  if not require("kimi.view").show_current() then
    notify.info("Kimi: there is no explanation to show.")
  end
end

--- Call `done` once `predicate` holds, polling from the main loop; `timeout` after `ms`.
---@param ms integer
---@param predicate fun(): boolean
---@param done fun()
---@param timeout fun()
local function when(ms, predicate, done, timeout)
  local deadline = vim.uv.now() + ms
  local timer = assert(vim.uv.new_timer())
  timer:start(
    0,
    50,
    vim.schedule_wrap(function()
      if timer:is_closing() then
        return
      end
      local ready = predicate()
      if ready or vim.uv.now() >= deadline then
        timer:stop()
        timer:close()
        if ready then
          done()
        else
          timeout()
        end
      end
    end)
  )
end

--- Stop kimi-lsp and start it again for the buffers it served (for the current buffer when
--- it was not running). Running commands end; the session's cost starts again at zero.
function M.restart()
  local clients = vim.lsp.get_clients({ name = client_util.NAME })
  if #clients == 0 then
    local ok = pcall(vim.api.nvim_exec_autocmds, "FileType", {
      group = "nvim.lsp.enable",
      buffer = vim.api.nvim_get_current_buf(),
      modeline = false,
    })
    if ok and client_util.get(0, true) ~= nil then
      notify.info("Kimi: kimi-lsp started.")
    else
      notify.warn(
        'Kimi: kimi-lsp is not running here: call vim.lsp.enable("kimi") (see :checkhealth kimi).'
      )
    end
    return
  end
  vim.api.nvim_echo({ { "Kimi: restarting kimi-lsp…" } }, false, {})
  for _, client in ipairs(clients) do
    local id, config = client.id, client.config
    local buffers = vim.tbl_keys(client.attached_buffers or {})
    client:stop()
    local function start()
      for _, bufnr in ipairs(buffers) do
        if vim.api.nvim_buf_is_loaded(bufnr) then
          vim.lsp.start(config, { bufnr = bufnr })
        end
      end
      vim.api.nvim_echo({ { "Kimi: kimi-lsp restarted." } }, false, {})
    end
    local function gone()
      return vim.lsp.get_client_by_id(id) == nil
    end
    when(5000, gone, start, function()
      client:stop(true) -- it did not exit when asked: end it
      when(2000, gone, start, start)
    end)
  end
end

--- Print the session's requests, tokens and cost.
function M.usage()
  local client = client_util.get(0, true) or vim.lsp.get_clients({ name = client_util.NAME })[1]
  if client == nil then
    notify.warn("Kimi: kimi-lsp is not running (see :checkhealth kimi).")
    return
  end
  progress.refresh_usage(client, function(err, usage)
    if err then
      notify.error(client_util.with_prefix(tostring(err.message)))
    elseif type(usage) == "table" then
      -- Asked for: given whole, even where it is wider than the command line.
      vim.notify(progress.usage_line(usage), vim.log.levels.INFO)
    end
  end)
end

return M
