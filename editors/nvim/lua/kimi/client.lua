-- Helpers around the kimi LSP client: finding it, building LSP ranges and diagnostics in its
-- position encoding, sending `workspace/executeCommand` with errors shown nicely, and a quiet
-- `workspace/applyEdit` handler.
local M = {}

M.NAME = "kimi"

local REQUEST_CANCELLED = -32800
local NOT_SENT = -32099 -- (a code of the JSON-RPC range for implementations; never on the wire)

---@param value any
---@return boolean
function M.is_nil(value)
  return value == nil or value == vim.NIL
end

---@param message string
---@return string
local function with_prefix(message)
  if message:match("^[Kk]imi") then
    return message
  end
  return "Kimi: " .. message
end
M.with_prefix = with_prefix

--- The kimi client attached to `bufnr`, or nil (after telling the user why).
---@param bufnr integer|nil
---@param quiet boolean|nil
---@return vim.lsp.Client|nil
function M.get(bufnr, quiet)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = M.NAME })[1]
  if client == nil and not quiet then
    vim.notify(
      "Kimi: kimi-lsp is not attached to this buffer (see :checkhealth kimi)",
      vim.log.levels.WARN
    )
  end
  return client
end

---@param bufnr integer
---@param row integer 0-based
---@return string
local function line_text(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
end

--- An LSP position from a 0-based row and a byte column.
---@param bufnr integer
---@param row integer
---@param col integer
---@param encoding string
---@return lsp.Position
function M.position(bufnr, row, col, encoding)
  local line = line_text(bufnr, row)
  col = math.max(0, math.min(col, #line))
  return { line = row, character = vim.str_utfindex(line, encoding, col, false) }
end

--- The LSP range covering whole lines `line1`..`line2` (1-based, inclusive): it ends at the
--- start of the line after, or at the end of the text when there is no such line.
---@param bufnr integer
---@param line1 integer
---@param line2 integer
---@param encoding string
---@return lsp.Range
function M.line_range(bufnr, line1, line2, encoding)
  if line2 < line1 then
    line1, line2 = line2, line1
  end
  local count = vim.api.nvim_buf_line_count(bufnr)
  line1 = math.max(1, math.min(line1, count))
  line2 = math.max(1, math.min(line2, count))
  local finish
  if line2 < count or vim.bo[bufnr].eol then
    -- Neovim sends a final newline when 'eol' is set, so line `count` exists (empty).
    finish = { line = line2, character = 0 }
  else
    finish = M.position(bufnr, line2 - 1, math.huge, encoding)
  end
  return { start = { line = line1 - 1, character = 0 }, ["end"] = finish }
end

--- The LSP range of a characterwise selection between two marks ({row 1-based, byte col}),
--- both inclusive (or the end exclusive when 'selection' is "exclusive"). Unlike
--- vim.lsp.util.make_given_range_params, a multibyte last character is covered whole.
---@param bufnr integer
---@param first integer[]
---@param last integer[]
---@param encoding string
---@return lsp.Range
function M.char_range(bufnr, first, last, encoding)
  local srow, scol = first[1] - 1, first[2]
  local erow, ecol = last[1] - 1, last[2]
  if erow < srow or (erow == srow and ecol < scol) then
    srow, scol, erow, ecol = erow, ecol, srow, scol
  end
  local line = line_text(bufnr, erow)
  local stop
  if ecol >= #line then
    stop = #line
  elseif vim.o.selection == "exclusive" then
    stop = ecol
  else
    stop = ecol + vim.str_utf_end(line, ecol + 1) + 1
  end
  return {
    start = M.position(bufnr, srow, scol, encoding),
    ["end"] = M.position(bufnr, erow, stop, encoding),
  }
end

--- The range a user command was given: the visual selection when the command was run from
--- a characterwise visual selection, else whole lines (the current line without a range).
---@param bufnr integer
---@param opts table user-command opts (line1, line2, range)
---@param encoding string
---@return lsp.Range
function M.command_range(bufnr, opts, encoding)
  if opts.range == 2 and vim.fn.visualmode() == "v" then
    local first = vim.api.nvim_buf_get_mark(bufnr, "<")
    local last = vim.api.nvim_buf_get_mark(bufnr, ">")
    if first[1] == opts.line1 and last[1] == opts.line2 then
      return M.char_range(bufnr, first, last, encoding)
    end
  end
  return M.line_range(bufnr, opts.line1, opts.line2, encoding)
end

--- The buffer's diagnostics on lines `line1`..`line2` (1-based), as LSP diagnostics in
--- `encoding`, and the 0-based lines they span.
---@param bufnr integer
---@param line1 integer
---@param line2 integer
---@param encoding string
---@return lsp.Diagnostic[], integer, integer
function M.lsp_diagnostics(bufnr, line1, line2, encoding)
  local out = {}
  local top, bottom = line1 - 1, line2 - 1
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local last = d.end_lnum or d.lnum
    if last >= line1 - 1 and d.lnum <= line2 - 1 then
      local item = {
        range = {
          start = M.position(bufnr, d.lnum, d.col or 0, encoding),
          ["end"] = M.position(bufnr, last, d.end_col or d.col or 0, encoding),
        },
        severity = d.severity,
        message = d.message,
      }
      if not M.is_nil(d.source) then
        item.source = d.source
      end
      if not M.is_nil(d.code) then
        item.code = d.code
      end
      out[#out + 1] = item
      top, bottom = math.min(top, d.lnum), math.max(bottom, last)
    end
  end
  return out, top, bottom
end

--- Send `workspace/executeCommand` with one argument (or none). Errors are shown with
--- vim.notify (a cancelled request is not an error); `on_done(err, result)` runs either way,
--- except for a request answered RequestCancelled, whose handler Neovim 0.11 never calls.
---@param client vim.lsp.Client
---@param bufnr integer|nil
---@param command string
---@param argument table|nil
---@param on_done fun(err: table|nil, result: any)|nil
---@return integer|nil request id
function M.execute(client, bufnr, command, argument, on_done)
  local params = { command = command, arguments = argument == nil and {} or { argument } }
  local ok, request_id = client:request("workspace/executeCommand", params, function(err, result)
    if err and err.code ~= REQUEST_CANCELLED then
      local message = type(err.message) == "string" and err.message or vim.inspect(err)
      vim.notify(with_prefix(message), vim.log.levels.ERROR)
    end
    if on_done then
      on_done(err, result)
    end
  end, bufnr)
  if not ok then
    local message = ("could not send %s: kimi-lsp is not running (see :checkhealth kimi)."):format(
      command
    )
    vim.notify("Kimi: " .. message, vim.log.levels.ERROR)
    if on_done then
      on_done({ code = NOT_SENT, message = message }, nil)
    end
    return nil
  end
  return request_id
end

---@param err table|nil
---@return boolean
function M.is_cancelled(err)
  return err ~= nil and err.code == REQUEST_CANCELLED
end

--- The loaded buffer of `uri` (never creates one).
---@param uri string
---@return integer|nil
function M.loaded_buffer(uri)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.uri_from_bufnr(bufnr) == uri then
      return bufnr
    end
  end
  return nil
end

--- The version Neovim last sent (or will send) for `bufnr`.
---@param bufnr integer
---@return integer
local function buffer_version(bufnr)
  local versions = vim.lsp.util.buf_versions
  local version = type(versions) == "table" and versions[bufnr] or nil
  return type(version) == "number" and version or vim.b[bufnr].changedtick
end

--- Neovim 0.11 appends an extra empty line for an insertion at the position just past the
--- last line ({line = line count, character = 0}, the end of a text that ends with a newline):
--- it splits "x\n" into {"x", ""} and adds both as lines. The same insertion made at the end
--- of the last line ("\nx") gives the text the server expects.
---@param edits lsp.TextEdit[]
---@param bufnr integer
---@param encoding string
local function fix_inserts_at_eof(edits, bufnr, encoding)
  local count = vim.api.nvim_buf_line_count(bufnr)
  if not vim.bo[bufnr].eol then
    return
  end
  for _, edit in ipairs(edits) do
    local range = type(edit) == "table" and edit.range or nil
    local text = type(edit) == "table" and edit.newText or nil
    if
      type(range) == "table"
      and type(text) == "string"
      and range.start.line >= count
      and range["end"].line >= count
      and text:sub(-1) == "\n"
    then
      local eof = M.position(bufnr, count - 1, math.huge, encoding)
      edit.range = { start = eof, ["end"] = vim.deepcopy(eof) }
      edit.newText = "\n" .. text:sub(1, -2)
    end
  end
end

--- `workspace/applyEdit` for kimi: never prints. A versioned edit computed against an older
--- buffer version is answered `applied = false` (Neovim's own handler prints "Buffer ...
--- newer than edits" and answers true); the server recomputes it after the next didChange.
--- Insertions at the end of the text are adjusted (see fix_inserts_at_eof). The rest is
--- Neovim's handler, without the label (which it would print).
function M.apply_edit_handler(err, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local edit = type(params) == "table" and params.edit or nil
  if type(edit) == "table" and type(edit.documentChanges) == "table" then
    for _, change in ipairs(edit.documentChanges) do
      local doc = type(change) == "table" and change.textDocument or nil
      local bufnr = type(doc) == "table" and M.loaded_buffer(doc.uri) or nil
      if bufnr and type(change.edits) == "table" then
        -- Neovim checks only versions > 0, but it opens documents at version 0: an edit
        -- made for the text as opened is stale once the buffer changed too.
        if type(doc.version) == "number" and buffer_version(bufnr) > doc.version then
          return { applied = false, failureReason = "the buffer changed since the edit was made" }
        end
        fix_inserts_at_eof(change.edits, bufnr, encoding)
      end
    end
  end
  if type(edit) == "table" and type(edit.changes) == "table" then
    for uri, edits in pairs(edit.changes) do
      local bufnr = M.loaded_buffer(uri)
      if bufnr and type(edits) == "table" then
        fix_inserts_at_eof(edits, bufnr, encoding)
      end
    end
  end
  if type(params) == "table" then
    params.label = nil
  end
  return vim.lsp.handlers["workspace/applyEdit"](err, params, ctx)
end

return M
