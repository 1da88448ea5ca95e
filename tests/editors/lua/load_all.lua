-- `nvim --headless --clean -l load_all.lua <plugin dir>`: load every module of the plugin,
-- the lsp/kimi.lua config and plugin/kimi.lua; exit 1 with the error on any failure.
local plugin = assert(arg[1], "usage: load_all.lua <editors/nvim>")
vim.opt.runtimepath:prepend(plugin)
local loaded = {}
local function check(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    io.stderr:write(("FAILED %s: %s\n"):format(name, err))
    os.exit(1)
  end
  table.insert(loaded, name)
end

for _, file in ipairs(vim.fn.glob(plugin .. "/lua/kimi/*.lua", false, true)) do
  local module = "kimi." .. vim.fn.fnamemodify(file, ":t:r")
  if module == "kimi.init" then
    module = "kimi"
  end
  check(module, function()
    assert(type(require(module)) == "table", "did not return a table")
  end)
end
check("lsp/kimi.lua", function()
  local config = dofile(plugin .. "/lsp/kimi.lua")
  assert(config.cmd[1] == "kimi-lsp")
  assert(type(config.handlers["kimi/stream"]) == "function")
  assert(type(config.commands["kimi.refactor"]) == "function")
  assert(vim.lsp.config.kimi.cmd[1] == "kimi-lsp", "not found on 'runtimepath'")
end)
check("plugin/kimi.lua", function()
  dofile(plugin .. "/plugin/kimi.lua")
  assert(vim.fn.exists(":KimiExplain") == 2)
end)
check("kimi.completion", function()
  local completion = require("kimi.completion")
  assert(completion.implemented == true)
  for _, name in ipairs({ "setup", "attach", "accept", "select", "convert" }) do
    assert(type(completion[name]) == "function", name)
  end
  assert(completion.accept() == false) -- nothing to accept
end)
check("kimi.health", function()
  assert(type(require("kimi.health").check) == "function")
end)
io.stdout:write(table.concat(loaded, "\n") .. "\n")
