-- :checkhealth kimi — the executable, its version, where the API key comes from (never its
-- value) and the running clients.
local key_source = require("kimi.key_source")

local M = {}

---@return table resolved vim.lsp.config for kimi (empty if unknown)
local function lsp_config()
  local ok, resolved = pcall(function()
    return vim.lsp.config.kimi
  end)
  return ok and type(resolved) == "table" and resolved or {}
end

--- The folder of this plugin (editors/nvim, in a checkout or in an installed package).
---@return string
local function plugin_dir()
  local source = debug.getinfo(1, "S").source:sub(2)
  return vim.fs.normalize(vim.fn.fnamemodify(source, ":p:h:h:h"))
end

--- Advice for a missing `kimi-lsp`, true to where this plugin was found.
---@return string[]
local function install_advice()
  local dir = plugin_dir()
  local advice = {}
  local checkout = vim.fn.fnamemodify(dir, ":h:h")
  if vim.uv.fs_stat(checkout .. "/pyproject.toml") then
    advice[#advice + 1] = ("Install the server from this checkout: pipx install %s"):format(
      vim.fn.shellescape(checkout)
    )
  else
    -- Installed as package data (site-packages/kimi_lsp/editors/nvim): the executable is in
    -- the bin folder of the same environment.
    for _, up in ipairs({ ":h:h:h:h:h:h", ":h:h:h:h:h" }) do
      local bin = vim.fn.fnamemodify(dir, up) .. "/bin/kimi-lsp"
      if vim.fn.executable(bin) == 1 then
        local line = 'It is installed here: vim.lsp.config("kimi", { cmd = { %q } })'
        advice[#advice + 1] = line:format(bin)
        break
      end
    end
    advice[#advice + 1] = "Install the server from a kimi-lsp checkout: pipx install ."
      .. " (its README lists the other ways)"
  end
  advice[#advice + 1] =
    'Or give its path: vim.lsp.config("kimi", { cmd = { "/path/to/kimi-lsp" } })'
  return advice
end

---@param health table vim.health
---@param cfg table
local function check_server(health, cfg)
  local cmd = type(cfg.cmd) == "table" and cfg.cmd or { "kimi-lsp" }
  local exe = cmd[1]
  local path = type(exe) == "string" and vim.fn.exepath(exe) or ""
  if path == "" then
    health.error(("`%s` was not found on $PATH"):format(tostring(exe)), install_advice())
    return
  end
  health.ok("executable: " .. path)
  local ok, result = pcall(function()
    return vim.system({ path, "--version" }, { text = true }):wait(15000)
  end)
  local version = ok and result.code == 0 and vim.trim(result.stdout or "") or ""
  if version ~= "" then
    health.ok("version: " .. version)
  else
    local why = tostring(result)
    if ok then
      why = vim.trim((result.stderr or "") .. " (exit " .. tostring(result.code) .. ")")
    end
    health.warn("`kimi-lsp --version` failed: " .. why)
  end
end

---@param health table vim.health
---@param cfg table
local function check_key(health, cfg)
  local function kimi_of(t)
    return type(t) == "table" and type(t.kimi) == "table" and t.kimi or {}
  end
  -- The editor's settings win over initializationOptions, as in the server.
  local settings = vim.tbl_extend("force", kimi_of(cfg.init_options), kimi_of(cfg.settings))
  local cmd_env = type(cfg.cmd_env) == "table" and cfg.cmd_env or {}
  local found = key_source.find(settings, vim.tbl_extend("force", vim.fn.environ(), cmd_env))
  if found.kind == "simulator" then
    health.ok("provider `simulator`: no key is needed")
  elseif found.kind == "setting" then
    health.warn("kimi.apiKey is set in the Neovim settings (the value is not shown)", {
      "Prefer an environment variable or ~/.config/kimi-lsp/config.toml, out of your dotfiles",
    })
  elseif found.kind == "variable" or found.kind == "file" then
    health.ok(("provider `%s`: %s (the value is not shown)"):format(found.provider, found.where))
  else
    health.warn(("provider `%s`: no API key is set"):format(found.provider), found.advice)
  end
end

function M.check()
  local health = vim.health
  health.start("kimi-lsp: Neovim")
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. tostring(vim.version()))
  else
    health.error("Neovim 0.11 or later is needed", { "Upgrade Neovim" })
  end

  local cfg = lsp_config()
  health.start("kimi-lsp: server")
  check_server(health, cfg)

  health.start("kimi-lsp: API key")
  check_key(health, cfg)

  health.start("kimi-lsp: clients")
  if vim.lsp.is_enabled and vim.lsp.is_enabled("kimi") then
    health.ok('vim.lsp.enable("kimi") was called')
  else
    health.warn("the kimi config is not enabled", {
      'Call vim.lsp.enable("kimi") or require("kimi").setup()',
    })
  end
  local clients = vim.lsp.get_clients({ name = "kimi" })
  if #clients == 0 then
    health.info("no kimi client is running (open a file in a project)")
  end
  for _, client in ipairs(clients) do
    local buffers = vim.tbl_count(client.attached_buffers or {})
    health.ok(
      ("client %d: root %s, positions in %s, %d buffer%s"):format(
        client.id,
        client.root_dir or "(none)",
        client.offset_encoding,
        buffers,
        buffers == 1 and "" or "s"
      )
    )
  end
end

return M
