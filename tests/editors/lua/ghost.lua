-- Shared by the ghost text scripts (Neovim 0.11, the plugin's own inline completion): what
-- the client sends, what is drawn, and the keys of the default setup.
local h = require("harness")

local G = {}

G.client = h.client()
h.obs.has_inline = vim.lsp.inline_completion ~= nil
h.obs.requests = {} -- every request of the kimi client: method, triggerKind, command
h.obs.cancelled = {} -- the methods of the cancelled requests
h.obs.shown = {} -- every suggestion drawn (its first line and the lines below)
h.obs.thinking_seen = false

local request = G.client.request
G.client.request = function(client, method, params, handler, bufnr)
  local entry = { method = method }
  if method == "textDocument/inlineCompletion" then
    entry.trigger = params.context.triggerKind
    if G.add_command then
      local inner = handler
      handler = function(err, result, ctx)
        for _, item in ipairs(type(result) == "table" and (result.items or result) or {}) do
          item.command = G.add_command
        end
        return inner(err, result, ctx)
      end
    end
  elseif method == "workspace/executeCommand" then
    entry.command = params.command
  end
  local ok, id = request(client, method, params, handler, bufnr)
  entry.id = id
  table.insert(h.obs.requests, entry)
  return ok, id
end

vim.api.nvim_create_autocmd("LspRequest", {
  callback = function(ev)
    local r = ev.data.request
    if r and r.type == "cancel" then
      table.insert(h.obs.cancelled, { method = r.method, id = ev.data.request_id })
    end
  end,
})

local view = require("kimi.ghost_view")
local show = view.show
view.show = function(bufnr, row, col, rest, annotation)
  table.insert(h.obs.shown, { text = rest, annotation = annotation })
  return show(bufnr, row, col, rest, annotation)
end
local thinking = view.show_thinking
view.show_thinking = function(...)
  h.obs.thinking_seen = true
  return thinking(...)
end

--- The suggestion drawn in the current buffer: position, inline text, lines below, or nil.
function G.drawn()
  local marks = vim.api.nvim_buf_get_extmarks(0, view.ns, 0, -1, { details = true })
  local mark = marks[1]
  if mark == nil then
    return nil
  end
  local details = mark[4]
  local inline = {}
  for _, chunk in ipairs(details.virt_text or {}) do
    table.insert(inline, chunk[1])
  end
  local below = {}
  for _, line in ipairs(details.virt_lines or {}) do
    local parts = {}
    for _, chunk in ipairs(line) do
      table.insert(parts, chunk[1])
    end
    table.insert(below, table.concat(parts))
  end
  return {
    row = mark[2],
    col = mark[3],
    inline = table.concat(inline),
    below = below,
    pos = details.virt_text_pos,
    hl = details.virt_text and details.virt_text[1][2],
  }
end

--- Whether the thinking mark is drawn now.
function G.thinking()
  return #vim.api.nvim_buf_get_extmarks(0, view.thinking_ns, 0, -1, {}) > 0
end

--- The cursor as {row (1-based), col (0-based bytes)}.
function G.cursor()
  return vim.api.nvim_win_get_cursor(0)
end

--- The inline completion requests sent so far.
function G.inline_requests()
  local out = {}
  for _, r in ipairs(h.obs.requests) do
    if r.method == "textDocument/inlineCompletion" then
      table.insert(out, r)
    end
  end
  return out
end

return G
