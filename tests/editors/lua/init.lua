-- Test init for headless Neovim: puts the plugin on 'runtimepath', enables the kimi config
-- exactly as a user would, then runs the test script named by $KIMI_TEST_SCRIPT once the
-- file given on the command line is loaded.
local here = vim.fs.dirname(debug.getinfo(1, "S").source:sub(2))
local repo = vim.fs.normalize(here .. "/../../..")
vim.opt.runtimepath:prepend(repo .. "/editors/nvim")
vim.opt.swapfile = false
vim.opt.shortmess:append("F")
package.path = here .. "/?.lua;" .. package.path

if vim.env.KIMI_TEST_ENCODING then
  -- Offer only this position encoding (Neovim 0.11 offers utf-8, utf-16 and utf-32).
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.general.positionEncodings = { vim.env.KIMI_TEST_ENCODING }
  vim.lsp.config("kimi", { capabilities = capabilities })
end
if vim.env.KIMI_TEST_SETUP then
  -- The plugin's setup(), with options given as JSON; it enables the config itself.
  require("kimi").setup(vim.json.decode(vim.env.KIMI_TEST_SETUP))
else
  vim.lsp.enable("kimi")
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(function()
      local h = require("harness")
      local ok, err = xpcall(dofile, debug.traceback, vim.env.KIMI_TEST_SCRIPT)
      if not ok then
        h.fail(err)
      end
    end)
  end,
})
