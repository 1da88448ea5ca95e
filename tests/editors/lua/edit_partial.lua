-- Two changes across files: the first rejected (:KimiReject, from the quickfix window: nothing
-- is written), the second accepted for one file only (:KimiAccept shop/cart.py: the rest of
-- the change is dropped).
local h = require("harness")
h.client()
local api = vim.api.nvim_get_current_buf()
local root = vim.fn.getcwd()
local function read(path)
  local full = root .. "/" .. path
  return vim.fn.filereadable(full) == 1 and vim.fn.readfile(full) or vim.NIL
end
local function said(prefix)
  return function()
    local last = h.obs.notifications[#h.obs.notifications]
    return last ~= nil and vim.startswith(last.msg, prefix)
  end
end

vim.cmd("KimiEdit rename total_price to order_total")
h.wait(30000, said("Kimi: 3 files to review"), "the first change")
vim.cmd("copen") -- :KimiReject from the quickfix window acts on the change
vim.cmd("KimiReject")
h.wait(10000, said("Kimi: change rejected"), "the rejection")
h.obs.rejected_said = h.obs.notifications[#h.obs.notifications].msg
h.obs.rejected_title = vim.fn.getqflist({ title = 0 }).title
h.obs.after_reject = {
  api = h.lines(api),
  cart = read("shop/cart.py"),
  test = read("tests/test_api.py"),
}
vim.cmd("wincmd p")

vim.cmd("KimiEdit rename total_price to order_total")
h.wait(30000, said("Kimi: 3 files to review"), "the second change")
vim.cmd("KimiAccept shop/cart.py")
h.wait(10000, said("Kimi: change applied"), "the partial accept")
h.obs.partial_said = h.obs.notifications[#h.obs.notifications].msg
h.obs.after_partial = {
  api = h.lines(api),
  api_modified = vim.bo[api].modified,
  cart = read("shop/cart.py"),
  test = read("tests/test_api.py"),
}
h.finish()
