-- kimi-lsp for Neovim: `require("kimi").setup(opts)`, user commands, keymaps, statusline.
-- The LSP client itself is configured by lsp/kimi.lua (vim.lsp.config / vim.lsp.enable).
local config = require("kimi.config")

local M = {}

local created = false

local function action(name)
  return function(opts)
    require("kimi.actions")[name](opts)
  end
end

--- Create the user commands and the progress autocmd (idempotent; plugin/kimi.lua and
--- setup() both call it).
function M.create()
  if created then
    return
  end
  created = true
  local command = vim.api.nvim_create_user_command
  command("KimiExplain", action("explain"), {
    range = true,
    desc = "Kimi: explain the selection (or the current line)",
  })
  command("KimiRefactor", action("refactor"), {
    range = true,
    nargs = "*",
    desc = "Kimi: rewrite the selection as instructed (asks when no instruction is given)",
  })
  command("KimiFix", action("fix"), {
    range = true,
    desc = "Kimi: fix the diagnostics on the selected lines (or the current line)",
  })
  local function run(module, name)
    return function(opts)
      require(module)[name](opts)
    end
  end
  command("KimiAccept", run("kimi.decide", "accept"), {
    bang = true,
    nargs = "*",
    complete = "file",
    desc = "Kimi: accept the proposed change (! or files: the change across files)",
  })
  command("KimiReject", run("kimi.decide", "reject"), {
    bang = true,
    desc = "Kimi: reject the proposed change (!: the change across files)",
  })
  command("KimiUndo", run("kimi.decide", "undo"), {
    bang = true,
    desc = "Kimi: undo the last Kimi change of this buffer (!: the last change across files)",
  })
  command("KimiEdit", run("kimi.changes", "edit"), {
    range = true,
    nargs = "*",
    desc = "Kimi: a change across files, described in words",
  })
  command("KimiEditDiff", run("kimi.change_diff", "open"), {
    nargs = "?",
    complete = "file",
    desc = "Kimi: a file of the proposed change against its proposed text",
  })
  command("KimiMessages", run("kimi.notify", "show_history"), {
    desc = "Kimi: the plugin's recent messages in full",
  })
  command("KimiCancel", action("cancel"), {
    bang = true,
    desc = "Kimi: stop the running commands of this buffer (! for all)",
  })
  command("KimiUsage", action("usage"), { desc = "Kimi: session requests, tokens and cost" })
  command("KimiExplainShow", action("explain_show"), {
    desc = "Kimi: move into the explanation window, or reopen the last explanation",
  })
  command("KimiRestart", action("restart"), { desc = "Kimi: restart kimi-lsp" })
  vim.api.nvim_create_autocmd("LspDetach", {
    group = vim.api.nvim_create_augroup("kimi.exit", { clear = true }),
    desc = "Kimi: forget the work of a kimi-lsp that exited",
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if client and client.name == "kimi" and client:is_stopped() then
        M.client_exited(client.id)
      end
    end,
  })
  vim.api.nvim_create_autocmd("BufUnload", {
    group = vim.api.nvim_create_augroup("kimi.buffers", { clear = true }),
    desc = "Kimi: forget a buffer's undo step and proposal drawing",
    callback = function(ev)
      require("kimi.undo_group").forget(ev.buf)
      require("kimi.review").clear(ev.buf)
    end,
  })
  vim.api.nvim_create_autocmd("LspProgress", {
    group = vim.api.nvim_create_augroup("kimi.progress", { clear = true }),
    desc = "Kimi: progress echo and statusline",
    callback = function(ev)
      require("kimi.progress").on_progress(ev)
    end,
  })
end

---@param prefix string
local function set_keymaps(prefix)
  local map = vim.keymap.set
  map("x", prefix .. "e", ":KimiExplain<CR>", { silent = true, desc = "Kimi: explain" })
  map("n", prefix .. "e", "<Cmd>KimiExplain<CR>", { desc = "Kimi: explain line" })
  map("x", prefix .. "r", ":KimiRefactor<CR>", { silent = true, desc = "Kimi: refactor" })
  map("n", prefix .. "r", "<Cmd>KimiRefactor<CR>", { desc = "Kimi: refactor line" })
  map("x", prefix .. "f", ":KimiFix<CR>", { silent = true, desc = "Kimi: fix diagnostics" })
  map("n", prefix .. "f", "<Cmd>KimiFix<CR>", { desc = "Kimi: fix line diagnostics" })
  map("n", prefix .. "a", "<Cmd>KimiAccept<CR>", { desc = "Kimi: accept the change" })
  map("n", prefix .. "x", "<Cmd>KimiReject<CR>", { desc = "Kimi: reject the change" })
  map("n", prefix .. "u", "<Cmd>KimiUndo<CR>", { desc = "Kimi: undo the change" })
  map("x", prefix .. "w", ":KimiEdit<CR>", { silent = true, desc = "Kimi: change across files" })
  map("n", prefix .. "w", "<Cmd>KimiEdit<CR>", { desc = "Kimi: change across files" })
  map("n", prefix .. "d", "<Cmd>KimiEditDiff<CR>", { desc = "Kimi: diff of the change" })
  map("n", prefix .. "c", "<Cmd>KimiCancel<CR>", { desc = "Kimi: cancel" })
  map("n", prefix .. "$", "<Cmd>KimiUsage<CR>", { desc = "Kimi: usage and cost" })
end

---@param opts kimi.Options|table|nil
function M.setup(opts)
  local options = config.set(opts)
  local overrides = vim.deepcopy(options.lsp or {})
  if options.settings then
    overrides.settings =
      vim.tbl_deep_extend("force", overrides.settings or {}, { kimi = options.settings })
  end
  if next(overrides) then
    vim.lsp.config("kimi", overrides)
  end
  M.create()
  if options.keymaps then
    set_keymaps(type(options.keymaps) == "string" and options.keymaps or "<leader>k")
  end
  local completion = options.completion
  if completion and completion.enabled ~= false and completion.enable ~= false then
    require("kimi.completion").setup(completion)
  else
    require("kimi.completion").setup({ enabled = false }) -- undo an earlier setup()
  end
  if options.enable then
    vim.lsp.enable("kimi")
  end
end

--- The kimi client `client_id` exited: its progress and explanations will never end.
---@param client_id integer
function M.client_exited(client_id)
  require("kimi.progress").client_exited(client_id)
  require("kimi.actions").client_exited(client_id)
  require("kimi.proposals").client_exited(client_id)
  require("kimi.undo_group").forget() -- its rewrites will never answer
end

--- For the statusline: "Kimi: explain · writing" while the model works, "Kimi $0.0123"
--- (the session cost) after, "" before anything was spent.
---@return string
function M.status()
  return require("kimi.progress").status()
end

--- The last `kimi.usage` totals ({requests, promptTokens, ..., costUsd}), or nil.
---@return table|nil
function M.usage()
  return require("kimi.progress").usage
end

return M
