-- :KimiEdit on shop/api.py (open, with a diagnostic): the proposed change across files
-- becomes a quickfix list of hunks; :KimiEditDiff shows a file against its proposed text
-- (and a new file against nothing); :KimiAccept applies it (the open buffer changed and
-- left unsaved, the closed file and the new one written); :KimiUndo puts every file back
-- and removes the new one.
local h = require("harness")
h.client()
local api = vim.api.nvim_get_current_buf()
local root = vim.fn.getcwd()
local function read(path)
  local full = root .. "/" .. path
  return vim.fn.filereadable(full) == 1 and vim.fn.readfile(full) or vim.NIL
end
local function buffer_of(path)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b) == root .. "/" .. path then
      return b
    end
  end
  return -1
end
local function said_since(n, prefix)
  return function()
    for i = n + 1, #h.obs.notifications do
      if vim.startswith(h.obs.notifications[i].msg, prefix) then
        return true
      end
    end
    return false
  end
end

vim.diagnostic.set(vim.api.nvim_create_namespace("test-linter"), api, {
  { lnum = 3, col = 4, message = "missing docstring", source = "pylint", code = "C0116" },
})
vim.cmd("KimiEdit rename total_price to order_total")
h.wait(30000, function()
  return require("kimi.changes").quickfix_change() ~= nil
end, "the proposed change")
local list = vim.fn.getqflist({ items = 0, title = 0, winid = 0 })
h.obs.title = list.title
h.obs.quickfix_open = list.winid ~= 0
h.obs.still_in_source = vim.api.nvim_get_current_buf() == api
h.obs.items = {}
for _, item in ipairs(list.items) do
  table.insert(h.obs.items, {
    file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(item.bufnr), ":."),
    lnum = item.lnum,
    col = item.col,
    text = item.text,
  })
end
h.obs.status_waiting = require("kimi").status()
h.obs.nothing_written = { cart = read("shop/cart.py"), test = read("tests/test_api.py") }
h.obs.api_before = h.lines(api)

-- :KimiEditDiff shop/cart.py: a tab with the file now and its proposed text, in diff mode.
local function diff_tab()
  local wins = vim.api.nvim_tabpage_list_wins(0)
  local out = { windows = #wins, names = {}, lines = {}, diff = {} }
  for _, win in ipairs(wins) do
    local buf = vim.api.nvim_win_get_buf(win)
    table.insert(out.names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":t"))
    table.insert(out.lines, h.lines(buf))
    table.insert(out.diff, vim.wo[win].diff)
  end
  return out
end
vim.cmd("KimiEditDiff shop/cart.py")
h.obs.tabs = #vim.api.nvim_list_tabpages()
h.obs.cart_diff = diff_tab()
vim.cmd("tabclose")
-- From the quickfix window, on the new file's entry.
vim.cmd("copen")
for i, item in ipairs(h.obs.items) do
  if item.text:match("^new file") then
    vim.api.nvim_win_set_cursor(0, { i, 0 })
  end
end
vim.cmd("KimiEditDiff")
h.obs.new_diff = diff_tab()
vim.cmd("tabclose")
vim.cmd("wincmd p")
h.obs.back_in = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":.")

local before = #h.obs.notifications
vim.cmd("KimiAccept")
h.wait(20000, said_since(before, "Kimi: change applied"), "the change to be applied")
h.obs.api_after = h.lines(api)
h.obs.api_modified = vim.bo[api].modified
h.obs.accepted = { cart = read("shop/cart.py"), test = read("tests/test_api.py") }
local cart = buffer_of("shop/cart.py")
h.obs.cart_buffer_modified = vim.NIL
if cart > 0 then
  h.obs.cart_buffer_modified = vim.bo[cart].modified
end

h.obs.title_after = vim.fn.getqflist({ title = 0 }).title

before = #h.obs.notifications
vim.cmd("KimiUndo")
h.wait(20000, said_since(before, "Kimi: change undone"), "the change to be undone")
h.obs.undone_said = h.obs.notifications[#h.obs.notifications].msg
h.obs.api_undone = h.lines(api)
h.obs.undone = { cart = read("shop/cart.py"), test = read("tests/test_api.py") }
h.obs.test_buffer = buffer_of("tests/test_api.py")
h.finish()
