-- `kimi/stream` notifications: `{id, kind, delta, done, error?}`. Explanations go to their
-- window; refactor and fix streams are shown by the edits themselves, so they print nothing.
local M = {}

---@type table<string, kimi.View>
local views = {}
---@type table<string, fun()> called when a stream ends
local ends = {}
local counter = 0

--- A fresh stream id to send as `streamId`.
---@return string
function M.new_id()
  counter = counter + 1
  return ("nvim-%d-%x-%d"):format(vim.uv.os_getpid(), vim.uv.hrtime(), counter)
end

---@param id string
---@param view kimi.View
---@param on_end fun()|nil called when the stream ends (done, failed or cancelled)
function M.attach(id, view, on_end)
  views[id] = view
  ends[id] = on_end
end

---@param id string
function M.detach(id)
  views[id] = nil
  ends[id] = nil
end

--- The handler for method `kimi/stream`.
function M.handler(_, params, _)
  if type(params) ~= "table" or type(params.id) ~= "string" then
    return
  end
  local view = views[params.id]
  if view == nil then
    if params.kind ~= "explain" or params.done then
      return
    end
    -- An explain this plugin did not start (another plugin's exec_cmd): show it anyway.
    view = require("kimi.view").open({ title = "Kimi: explain" })
    view.orphan = true
    views[params.id] = view
  end
  if type(params.delta) == "string" and params.delta ~= "" then
    view:append(params.delta)
  end
  if params.done == true then
    local on_end = ends[params.id]
    ends[params.id] = nil
    if on_end then
      on_end()
    end
    if type(params.error) == "string" then
      view:fail(params.error)
    elseif view.orphan then
      view:finish(nil)
    end
    views[params.id] = nil
  end
end

return M
