-- Helpers shared by the Lua test scripts: wait for the client, record observations, finish.
local H = {}

H.obs = { messages = {}, notifications = {}, progress = {} }

-- Every $/progress value of the kimi client, in order.
vim.api.nvim_create_autocmd("LspProgress", {
  callback = function(ev)
    local value = ev.data.params.value
    table.insert(H.obs.progress, {
      kind = value.kind,
      title = value.title,
      message = value.message,
    })
  end,
})

-- Every vim.notify call is recorded (and still shown).
local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(H.obs.notifications, { msg = msg, level = level })
  return notify(msg, level, opts)
end

-- Every kimi/proposal notification (state and kind, in order); hooks see each one after the
-- plugin handled it.
H.obs.proposals = {}
H.proposal_hooks = {}
do
  local proposals = require("kimi.proposals")
  local handler = proposals.handler
  proposals.handler = function(err, params, ctx)
    local ok, result = xpcall(handler, debug.traceback, err, params, ctx)
    if not ok then
      H.obs.handler_error = result -- (a test fails on it)
      error(result)
    end
    if type(params) == "table" then
      table.insert(H.obs.proposals, { state = params.state, kind = params.kind })
      for _, hook in ipairs(H.proposal_hooks) do
        local hooked, why = xpcall(hook, debug.traceback, params)
        if not hooked then
          H.obs.hook_error = why
        end
      end
    end
    return result
  end
end

-- A watchdog: a hung test exits with status 2 instead of hanging pytest.
vim.defer_fn(function()
  H.obs.error = "watchdog: the test did not finish in 60 s"
  H.write()
  vim.cmd("cquit 2")
end, 60000)

function H.write()
  H.obs.messages = vim.split(vim.fn.execute("messages"), "\n", { trimempty = true })
  local file = assert(io.open(assert(vim.env.KIMI_TEST_OUT), "w"))
  file:write(vim.json.encode(H.obs))
  file:close()
end

--- Wait for `predicate`; fail the test with `what` on timeout.
function H.wait(timeout, predicate, what)
  if not vim.wait(timeout, predicate, 20) then
    H.fail("timed out waiting for " .. what)
  end
end

--- Like H.wait, but returns false on timeout (the Python side reports what was seen).
function H.try_wait(timeout, predicate)
  return vim.wait(timeout, predicate, 20)
end

--- The number of finished progress runs (`end` values) so far.
function H.ends()
  local n = 0
  for _, value in ipairs(H.obs.progress) do
    if value.kind == "end" then
      n = n + 1
    end
  end
  return n
end

--- Wait until `n` progress runs have ended.
function H.wait_ends(n, what)
  H.wait(20000, function()
    return H.ends() >= n
  end, what)
end

--- The number of kimi/proposal notifications with `state` so far.
function H.count_state(state)
  local n = 0
  for _, p in ipairs(H.obs.proposals) do
    if p.state == state then
      n = n + 1
    end
  end
  return n
end

--- Wait until `n` proposals have reached `state` (a rewrite's or a change's).
function H.wait_state(state, n, what)
  H.wait(20000, function()
    return H.count_state(state) >= n
  end, what or ("a proposal to be " .. state))
end

--- Accept the rewrite proposed in the current buffer (:KimiAccept) and wait until it is,
--- and said so.
function H.accept()
  local n = H.count_state("applied")
  local said = #H.obs.notifications
  vim.cmd("KimiAccept")
  H.wait_state("applied", n + 1, "the change to be accepted")
  H.wait(10000, function()
    for i = said + 1, #H.obs.notifications do
      if H.obs.notifications[i].msg == "Kimi: change accepted (u undoes it)." then
        return true
      end
    end
    return false
  end, "the accept message")
end

--- The rows (0-based) of the current buffer's proposal extmarks with `group` as their line
--- highlight, and the hint lines shown above it.
function H.drawn(bufnr)
  local ns = require("kimi.review").namespace
  local out = { added = {}, removed = {}, struck = {}, hints = {}, signs = {} }
  local marks = vim.api.nvim_buf_get_extmarks(bufnr or 0, ns, 0, -1, { details = true })
  for _, mark in ipairs(marks) do
    local row, col, d = mark[2], mark[3], mark[4]
    if d.line_hl_group == "KimiProposalAdd" then
      table.insert(out.added, row)
    elseif d.line_hl_group == "KimiProposalDelete" then
      table.insert(out.removed, row)
    end
    if d.hl_group == "KimiProposalStrike" then
      table.insert(out.struck, { row, col, d.end_row, d.end_col })
    end
    if d.sign_text then
      table.insert(out.signs, vim.trim(d.sign_text))
    end
    for _, line in ipairs(d.virt_lines or {}) do
      table.insert(out.hints, { row = row, text = line[1][1], above = d.virt_lines_above })
    end
  end
  table.sort(out.added)
  table.sort(out.removed)
  return out
end

--- The initialized kimi client of the current buffer.
function H.client()
  local client
  H.wait(20000, function()
    client = vim.lsp.get_clients({ bufnr = 0, name = "kimi" })[1]
    return client ~= nil and client.initialized == true
  end, "the kimi client to initialize")
  return client
end

function H.lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr or 0, 0, -1, false)
end

--- The explanation window: the first floating window whose buffer is markdown.
function H.float()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local buf = vim.api.nvim_win_get_buf(win)
    if vim.api.nvim_win_get_config(win).relative ~= "" and vim.bo[buf].filetype == "markdown" then
      return win, buf
    end
  end
end

--- Select bytes [first, last] (1-based, inclusive) of the buffer charwise, like `v` would.
function H.select_bytes(first, last)
  vim.cmd(("normal! %dgov%dgo\27"):format(first, last))
end

--- Feed keys as typed (mappings apply when `remap` is true).
function H.keys(keys, remap)
  vim.api.nvim_feedkeys(vim.keycode(keys), remap and "m" or "n", false)
end

--- Poll `predicate` every 20 ms from the main loop (vim.wait does not consume typeahead, so
--- fed keys are processed in between); then run `next`, or fail after `timeout` ms.
function H.poll(timeout, predicate, what, next)
  local deadline = vim.uv.hrtime() + timeout * 1e6
  local timer = assert(vim.uv.new_timer())
  timer:start(
    20,
    20,
    vim.schedule_wrap(function()
      if timer:is_closing() then
        return
      end
      local ok, ready = pcall(predicate)
      if ok and not ready and vim.uv.hrtime() < deadline then
        return
      end
      timer:stop()
      timer:close()
      if not ok then
        return H.fail(ready)
      elseif not ready then
        H.obs.lines = H.lines()
        return H.fail("timed out waiting for " .. what)
      end
      local done, err = xpcall(next, debug.traceback)
      if not done then
        H.fail(err)
      end
    end)
  )
end

--- Run steps one after the other, each once its `wait` holds (polled from the main loop):
--- { { wait = fn|nil, what = "...", run = fn, timeout = ms|nil }, ... }, then H.finish().
function H.steps(steps)
  local function from(i)
    local step = steps[i]
    if step == nil then
      return H.finish()
    end
    H.poll(step.timeout or 20000, step.wait or function()
      return true
    end, step.what or ("step " .. i), function()
      if step.run then
        step.run()
      end
      from(i + 1)
    end)
  end
  from(1)
end

--- Stop the client cleanly, write the observations and quit.
function H.finish()
  H.write()
  for _, client in ipairs(vim.lsp.get_clients({ name = "kimi" })) do
    local id = client.id
    client:stop()
    vim.wait(3000, function()
      return vim.lsp.get_client_by_id(id) == nil
    end, 20)
  end
  vim.cmd("qall!")
end

function H.fail(err)
  H.obs.error = tostring(err)
  pcall(H.write)
  vim.cmd("cquit 1")
end

return H
