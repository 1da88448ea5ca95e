-- Ghost text on Neovim 0.11 (the textDocument/completion fallback), driven as a user does:
-- insert mode on the empty body line, <C-x><C-o> (an explicit invocation), the popup shows
-- the Kimi item, <C-y> accepts it. Keys are fed and the script returns to the main loop
-- (vim.wait does not consume typeahead), polling with a vim.uv timer.
local h = require("harness")
h.client()
h.obs.version = tostring(vim.version())
h.obs.has_inline = vim.lsp.inline_completion ~= nil
h.obs.omnifunc = vim.bo.omnifunc
h.obs.done = {}

vim.api.nvim_create_autocmd("CompleteDone", {
  buffer = 0,
  callback = function()
    local item = vim.v.completed_item or {}
    table.insert(h.obs.done, { reason = vim.v.event.reason, menu = item.menu })
  end,
})

local function keys(k)
  vim.api.nvim_feedkeys(vim.keycode(k), "n", false)
end

--- Poll `predicate` every 20 ms from the main loop; then run `next`, or fail after `timeout`.
local function poll(timeout, predicate, what, next)
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
        return h.fail(ready)
      elseif not ready then
        h.obs.lines = h.lines()
        return h.fail("timed out waiting for " .. what)
      end
      local done, err = xpcall(next, debug.traceback)
      if not done then
        h.fail(err)
      end
    end)
  )
end

-- As the README advises: show the popup for one item too, the item selected, not inserted.
vim.o.completeopt = "menuone,noinsert"
vim.api.nvim_win_set_cursor(0, { 2, 0 })
keys("A<C-x><C-o>")
poll(20000, function()
  return vim.fn.pumvisible() == 1
end, "the completion popup", function()
  h.obs.mode_in_popup = vim.api.nvim_get_mode().mode
  local info = vim.fn.complete_info({ "items", "selected" })
  h.obs.selected = info.selected
  h.obs.items = {}
  for _, item in ipairs(info.items) do
    local lsp = vim.tbl_get(item, "user_data", "nvim", "lsp", "completion_item") or {}
    table.insert(h.obs.items, {
      word = item.word,
      abbr = item.abbr,
      menu = item.menu,
      kind = item.kind,
      detail = lsp.detail,
      insert_text_format = lsp.insertTextFormat,
      new_text = vim.tbl_get(lsp, "textEdit", "newText"),
    })
  end
  keys("<C-y>")
  poll(5000, function()
    return #h.obs.done > 0 and vim.fn.pumvisible() == 0
  end, "the item to be accepted", function()
    h.obs.after_accept = h.lines()
    keys("<Esc>")
    poll(5000, function()
      return vim.api.nvim_get_mode().mode == "n"
    end, "normal mode", function()
      h.obs.lines = h.lines()
      h.finish()
    end)
  end)
end)
