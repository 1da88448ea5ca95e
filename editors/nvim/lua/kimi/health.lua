-- :checkhealth kimi — the executable, its version, the API key variables (never their values)
-- and the running clients.
local M = {}

local KEY_VARIABLES = { "EMPIRIOLABS_API_KEY", "AIGATEWAY_API_KEY", "KIMI_LSP_API_KEY" }

---@return table resolved vim.lsp.config for kimi (empty if unknown)
local function lsp_config()
  local ok, resolved = pcall(function()
    return vim.lsp.config.kimi
  end)
  return ok and type(resolved) == "table" and resolved or {}
end

---@param value any
---@return boolean
local function set(value)
  return type(value) == "string" and value ~= ""
end

function M.check()
  local health = vim.health
  health.start("kimi-lsp: Neovim")
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. tostring(vim.version()))
  else
    health.error("Neovim 0.11 or later is needed", { "Upgrade Neovim" })
  end

  health.start("kimi-lsp: server")
  local cfg = lsp_config()
  local cmd = type(cfg.cmd) == "table" and cfg.cmd or { "kimi-lsp" }
  local exe = cmd[1]
  local path = type(exe) == "string" and vim.fn.exepath(exe) or ""
  if path == "" then
    health.error(("`%s` was not found on $PATH"):format(tostring(exe)), {
      "Install the server: pip install kimi-lsp (or pipx install kimi-lsp)",
      'Or give its path: vim.lsp.config("kimi", { cmd = { "/path/to/kimi-lsp" } })',
    })
  else
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

  health.start("kimi-lsp: API key")
  local found = {}
  for _, name in ipairs(KEY_VARIABLES) do
    if set(vim.env[name]) then
      found[#found + 1] = name
    end
  end
  local settings = type(cfg.settings) == "table" and cfg.settings.kimi or nil
  settings = type(settings) == "table" and settings or {}
  local provider = settings.provider or vim.env.KIMI_LSP_PROVIDER
  if #found > 0 then
    health.ok(table.concat(found, ", ") .. " is set (the value is not shown)")
  elseif set(settings.apiKey) or set(settings.api_key) then
    health.warn("kimi.apiKey is set in the Neovim settings", {
      "Prefer an environment variable: EMPIRIOLABS_API_KEY, AIGATEWAY_API_KEY or KIMI_LSP_API_KEY",
    })
  elseif provider == "simulator" then
    health.ok("provider `simulator`: no key is needed")
  else
    health.warn("no API key variable is set", {
      "export EMPIRIOLABS_API_KEY=... (or AIGATEWAY_API_KEY, or KIMI_LSP_API_KEY with "
        .. "KIMI_LSP_BASE_URL) before starting Neovim",
      "or put apiKey under [kimi] in ~/.config/kimi-lsp/config.toml",
    })
  end

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
