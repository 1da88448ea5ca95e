-- Helpers around the kimi LSP client: finding it, building LSP ranges and diagnostics in its
-- position encoding, sending `workspace/executeCommand` with errors shown nicely, and the
-- entry of the `workspace/applyEdit` handler (apply_edit.lua).
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
    require("kimi.notify").warn(
      "Kimi: kimi-lsp is not attached to this buffer (see :checkhealth kimi)."
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
      out[#out + 1] = M.lsp_diagnostic(bufnr, d, encoding)
      top, bottom = math.min(top, d.lnum), math.max(bottom, last)
    end
  end
  return out, top, bottom
end

--- One vim.diagnostic as an LSP diagnostic in `encoding`.
---@param bufnr integer
---@param d vim.Diagnostic
---@param encoding string
---@return lsp.Diagnostic
function M.lsp_diagnostic(bufnr, d, encoding)
  local last = d.end_lnum or d.lnum
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
  return item
end

--- Send `workspace/executeCommand` with one argument (or none). Errors are shown as one
--- line (notify.lua; a cancelled request is not an error); `on_done(err, result)` runs either way,
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
      require("kimi.notify").error(with_prefix(message))
    end
    if on_done then
      on_done(err, result)
    end
  end, bufnr)
  if not ok then
    local message = ("could not send %s: kimi-lsp is not running (see :checkhealth kimi)."):format(
      command
    )
    require("kimi.notify").error("Kimi: " .. message)
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

--- `workspace/applyEdit` for kimi (apply_edit.lua): quiet, refuses stale edits, joins a
--- rewrite's edits into one undo step, writes files that were not loaded.
function M.apply_edit_handler(err, params, ctx)
  return require("kimi.apply_edit").handler(err, params, ctx)
end

return M
