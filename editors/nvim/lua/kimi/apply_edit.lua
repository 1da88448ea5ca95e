-- `workspace/applyEdit` for kimi-lsp: applied by Neovim's own handler (so `applied` keeps
-- its meaning), with these differences:
--   * it never prints (Neovim prints the label, and "Buffer ... newer than edits");
--   * a versioned edit computed against an older buffer version is answered
--     `applied = false` (Neovim skips it and answers true); the server computes it again;
--   * an insertion at the end of a text that ends with a line break, and the content of a
--     new file, are adjusted so Neovim adds no stray empty line;
--   * the edits of a rewrite under way join one undo step (undo_group.lua);
--   * a file that was not loaded (a change across files, kimi.edit) is loaded, changed and
--     written, so no hidden modified buffer is left behind; so is a file the plugin wrote
--     for an earlier Kimi change, when it has no unsaved changes. Buffers you had loaded
--     are changed like any edit and left for you to save.
local undo_group = require("kimi.undo_group")

local M = {}

---@param value any
---@return boolean
local function is_table(value)
  return type(value) == "table"
end

--- The loaded buffer of `uri` (never creates one).
---@param uri string
---@return integer|nil
local function loaded_buffer(uri)
  return require("kimi.client").loaded_buffer(uri)
end

--- The version Neovim last sent (or will send) for `bufnr`.
---@param bufnr integer
---@return integer
function M.buffer_version(bufnr)
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
    local range = is_table(edit) and edit.range or nil
    local text = is_table(edit) and edit.newText or nil
    if
      is_table(range)
      and type(text) == "string"
      and range.start.line >= count
      and range["end"].line >= count
      and text:sub(-1) == "\n"
    then
      local eof = require("kimi.client").position(bufnr, count - 1, math.huge, encoding)
      edit.range = { start = eof, ["end"] = vim.deepcopy(eof) }
      edit.newText = "\n" .. text:sub(1, -2)
    end
  end
end

--- A new file's content arrives as one insertion into an empty buffer, which Neovim keeps as
--- one empty line: "x\n" would become {"x", ""} and be written with two line breaks. The
--- final line break is left to 'eol' instead. Returns whether the content ends without one.
---@param edits lsp.TextEdit[]
---@return boolean no_eol
local function fix_new_file(edits)
  local no_eol = false
  for _, edit in ipairs(edits) do
    if is_table(edit) and type(edit.newText) == "string" and edit.newText ~= "" then
      if edit.newText:sub(-1) == "\n" then
        edit.newText = edit.newText:sub(1, -2)
      else
        no_eol = true
      end
    end
  end
  return no_eol
end

---@class kimi.WriteReport
---@field written string[] files written to disk
---@field unsaved string[] loaded buffers changed and left unsaved
---@field failed string[] files that could not be written

---@type kimi.WriteReport|nil what the last edit applied wrote
local report = nil

--- What the last edit applied wrote (and forget it).
---@return kimi.WriteReport|nil
function M.take_report()
  local r = report
  report = nil
  return r
end

---@param bufnr integer
---@return string
local function display_name(bufnr)
  return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":~:.")
end

--- Load (without showing) the buffer of `uri`; Neovim would do it to apply the edit anyway.
---@param uri string
---@return integer
local function load(uri)
  local bufnr = vim.uri_to_bufnr(uri)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    vim.fn.bufload(bufnr)
  end
  return bufnr
end

--- Write `bufnr` exactly as it is (no autocommands, so no format-on-save rewrites Kimi's
--- change and kimi.undo can still restore it).
---@param bufnr integer
---@return boolean
local function write(bufnr)
  local ok = pcall(vim.api.nvim_buf_call, bufnr, function()
    vim.cmd("silent keepalt noautocmd write")
  end)
  if ok then
    vim.b[bufnr].kimi_written = true
  end
  return ok and not vim.bo[bufnr].modified
end

---@class kimi.EditPlan
---@field stale string|nil why the edit is refused
---@field to_write table<string, boolean> uris to write once applied
---@field no_eol table<string, boolean> new files whose content ends without a line break
---@field single integer|nil the one loaded buffer a plain text edit changes
---@field touched table<string, boolean> uris of the documents whose text the edit changes
---@field files integer documents the edit touches

--- Check and adjust the edit before Neovim applies it.
---@param edit table
---@param encoding string
---@return kimi.EditPlan
local function prepare(edit, encoding)
  local plan = { to_write = {}, no_eol = {}, touched = {}, files = 0 }
  local created = {}
  local buffers = {}
  if is_table(edit.documentChanges) then
    for _, change in ipairs(edit.documentChanges) do
      if is_table(change) and change.kind == "create" and type(change.uri) == "string" then
        created[change.uri] = true
        plan.to_write[change.uri] = true
      end
    end
    for _, change in ipairs(edit.documentChanges) do
      local doc = is_table(change) and change.textDocument or nil
      if is_table(doc) and type(doc.uri) == "string" and is_table(change.edits) then
        plan.files = plan.files + 1
        plan.touched[doc.uri] = true
        if created[doc.uri] then
          plan.no_eol[doc.uri] = fix_new_file(change.edits) or nil
        else
          local bufnr = loaded_buffer(doc.uri)
          if bufnr == nil then
            plan.to_write[doc.uri] = true
            bufnr = load(doc.uri)
          else
            if type(doc.version) == "number" and M.buffer_version(bufnr) > doc.version then
              -- Neovim checks only versions > 0, but it opens documents at version 0: an
              -- edit made for the text as opened is stale once the buffer changed too.
              plan.stale = "the buffer changed since the edit was made"
              return plan
            end
            if vim.b[bufnr].kimi_written and not vim.bo[bufnr].modified then
              plan.to_write[doc.uri] = true -- loaded and written for an earlier Kimi change
            end
          end
          fix_inserts_at_eof(change.edits, bufnr, encoding)
          buffers[#buffers + 1] = bufnr
        end
      elseif is_table(change) and change.kind then
        plan.files = plan.files + 1
      end
    end
  end
  if is_table(edit.changes) then
    for uri, edits in pairs(edit.changes) do
      plan.files = plan.files + 1
      plan.touched[uri] = true
      local bufnr = loaded_buffer(uri)
      if bufnr == nil then
        plan.to_write[uri] = true
        bufnr = load(uri)
      end
      if is_table(edits) then
        fix_inserts_at_eof(edits, bufnr, encoding)
      end
      buffers[#buffers + 1] = bufnr
    end
  end
  if plan.files == 1 and #buffers == 1 and next(plan.to_write) == nil then
    plan.single = buffers[1]
  end
  return plan
end

--- After Neovim applied the edit: new files' line endings, then write what is to be written.
---@param plan kimi.EditPlan
local function finish(plan)
  for uri in pairs(plan.no_eol) do
    local bufnr = loaded_buffer(uri)
    if bufnr then
      vim.bo[bufnr].eol = false
      vim.bo[bufnr].fixeol = false
    end
  end
  local r = { written = {}, unsaved = {}, failed = {} }
  for uri in pairs(plan.touched) do
    local bufnr = loaded_buffer(uri)
    if bufnr and vim.bo[bufnr].modified then
      local list = r.unsaved
      if plan.to_write[uri] then
        list = write(bufnr) and r.written or r.failed
      end
      list[#list + 1] = display_name(bufnr)
    end
  end
  table.sort(r.written)
  table.sort(r.failed)
  table.sort(r.unsaved)
  report = r
end

--- The handler (lsp/kimi.lua routes `workspace/applyEdit` here through kimi.client).
function M.handler(err, params, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local edit = is_table(params) and params.edit or nil
  if is_table(params) then
    params.label = nil -- Neovim would print it
  end
  local default = vim.lsp.handlers["workspace/applyEdit"]
  if not is_table(edit) then
    return default(err, params, ctx)
  end
  local plan = prepare(edit, encoding)
  if plan.stale then
    return { applied = false, failureReason = plan.stale }
  end
  local answer
  if plan.single then
    answer = undo_group.apply(plan.single, function()
      return default(err, params, ctx)
    end)
  else
    answer = default(err, params, ctx)
  end
  if is_table(answer) and answer.applied then
    finish(plan)
  end
  return answer
end

return M
