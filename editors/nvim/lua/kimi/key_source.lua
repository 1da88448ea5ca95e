-- Where kimi-lsp will find its API key, worked out the way the server does
-- (server/kimi_lsp/config/sources.py and resolve.py), for :checkhealth kimi. It tells where a
-- key is, never what it is.
local M = {}

local PRESETS = {
  empiriolabs = { base_url = "https://api.empiriolabs.ai/v1", key_env = "EMPIRIOLABS_API_KEY" },
  aigateway = { base_url = "https://api.aigateway.sh/v1", key_env = "AIGATEWAY_API_KEY" },
  ["openai-compatible"] = {},
  simulator = {},
}

---@param value any
---@return string|nil the value when it is a string with more than blanks
local function text(value)
  if type(value) == "string" and vim.trim(value) ~= "" then
    return value
  end
  return nil
end

--- `$KIMI_LSP_CONFIG`, else `$XDG_CONFIG_HOME/kimi-lsp/config.toml` (~/.config by default).
---@param env table<string, string>
---@return string
function M.config_path(env)
  if text(env.KIMI_LSP_CONFIG) then
    return vim.fs.normalize(env.KIMI_LSP_CONFIG)
  end
  local base = text(env.XDG_CONFIG_HOME) or ((env.HOME or "~") .. "/.config")
  return vim.fs.normalize(base .. "/kimi-lsp/config.toml")
end

local NAMES = {
  provider = "provider",
  baseUrl = "baseUrl",
  base_url = "baseUrl",
  apiKey = "apiKey",
  api_key = "apiKey",
}

--- The few settings of the config file that decide the key: `provider`, `baseUrl`, `apiKey`
--- (as TOML strings), from its `[kimi]` table, or from the top level when it has none.
---@param path string
---@return table
function M.read_config(path)
  local file = io.open(path, "r")
  if file == nil then
    return {}
  end
  local top, kimi, has_kimi = {}, {}, false
  local section = top
  for line in file:lines() do
    local header = line:match("^%s*%[%s*([^%]]-)%s*%]")
    if header then
      has_kimi = has_kimi or header == "kimi"
      section = header == "kimi" and kimi or nil
    elseif section then
      local key, value = line:match('^%s*([%w_]+)%s*=%s*"([^"]*)"')
      if not key then
        key, value = line:match("^%s*([%w_]+)%s*=%s*'([^']*)'")
      end
      if key and NAMES[key] then
        section[NAMES[key]] = value
      end
    end
  end
  file:close()
  return has_kimi and kimi or top
end

---@class kimi.KeySource
---@field provider string the provider the server will use
---@field kind "setting"|"variable"|"file"|"simulator"|"none"
---@field where string|nil e.g. "EMPIRIOLABS_API_KEY is set"
---@field advice string[]|nil what to do when there is none

--- Where the server will take its key from.
---@param settings table the editor's `kimi` settings
---@param env table<string, string> the server's environment
---@return kimi.KeySource
function M.find(settings, env)
  local path = M.config_path(env)
  local file = M.read_config(path)
  local provider = text(settings.provider) or text(env.KIMI_LSP_PROVIDER) or text(file.provider)
  local base_url = text(settings.baseUrl) or text(settings.base_url) or text(env.KIMI_LSP_BASE_URL)
  base_url = base_url or text(file.baseUrl)
  if not PRESETS[provider or ""] then
    if base_url then
      provider = "openai-compatible"
    elseif text(env.EMPIRIOLABS_API_KEY) or not text(env.AIGATEWAY_API_KEY) then
      provider = "empiriolabs"
    else
      provider = "aigateway"
    end
  end
  local preset = PRESETS[provider]
  local found = { provider = provider }
  if text(settings.apiKey) or text(settings.api_key) then
    found.kind = "setting"
    return found
  end
  if text(env.KIMI_LSP_API_KEY) then
    found.kind, found.where = "variable", "KIMI_LSP_API_KEY is set"
    return found
  end
  local url = base_url or preset.base_url
  local own_host = preset.base_url == nil or (url or ""):gsub("/+$", "") == preset.base_url
  if preset.key_env and text(env[preset.key_env]) and own_host then
    found.kind, found.where = "variable", preset.key_env .. " is set"
    return found
  end
  if text(file.apiKey) then
    found.kind, found.where = "file", "apiKey is set in " .. path
    return found
  end
  if provider == "simulator" then
    found.kind = "simulator"
    return found
  end
  found.kind = "none"
  local variable = preset.key_env and own_host and preset.key_env or "KIMI_LSP_API_KEY"
  found.advice = {
    ("export %s=... before starting Neovim (the server inherits Neovim's environment)"):format(
      variable
    ),
    ("or put apiKey under [kimi] in %s"):format(path),
  }
  if preset.key_env and not own_host then
    table.insert(
      found.advice,
      1,
      ("kimi.baseUrl points away from %s, so %s is not sent there"):format(provider, preset.key_env)
    )
  end
  return found
end

return M
