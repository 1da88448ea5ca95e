-- The plugin's options: defaults, merged with what `require("kimi").setup(opts)` gets.
local M = {}

---@class kimi.Options
M.defaults = {
  -- Call vim.lsp.enable("kimi") in setup().
  enable = true,
  -- Shorthand for the server's settings (the `kimi` section), e.g. { provider = "aigateway" }.
  -- Merged into vim.lsp.config("kimi", { settings = { kimi = ... } }).
  settings = nil,
  -- Anything else for vim.lsp.config("kimi", ...), e.g. { cmd = { "/path/to/kimi-lsp" } }.
  lsp = nil,
  explain = {
    layout = "float", -- "float" or "split"
    enter = false, -- move the cursor into the window (:KimiExplainShow does it later)
    width = 88, -- float width (columns), capped by the editor's width
    max_height = 0.6, -- float height: a fraction of the editor's lines, or a line count
    split_height = 15, -- height of the split layout
    border = "rounded",
    cancel_on_close = true, -- closing the window while it streams cancels the request
  },
  progress = {
    echo = true, -- echo a short progress line (no message history); false to opt out
  },
  -- Reviewing a rewrite (:KimiRefactor, :KimiFix) drawn in the buffer while it waits.
  review = {
    -- Normal-mode keys mapped in the buffer while a proposal is pending (removed when it
    -- ends); false for either (or for `keys`) maps nothing.
    keys = { accept = "<leader>ka", reject = "<leader>kx" },
    hint = true, -- the virtual line above the proposal naming the keys
    signs = true, -- `+` / `-` in the sign column
  },
  -- Changes across files (:KimiEdit).
  edit = {
    open_quickfix = true, -- open the quickfix window when a change is proposed
    max_diagnostics = 50, -- the diagnostics of loaded buffers sent with the instruction
  },
  -- Set default keymaps under <leader>k (true), or give your own prefix (a string).
  keymaps = false,
  -- Ghost text (lua/kimi/completion.lua, whose M.defaults lists every option);
  -- `completion = { enabled = false }` to opt out.
  completion = { enabled = true },
}

M.options = vim.deepcopy(M.defaults)

---@param opts table|nil
function M.set(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  return M.options
end

return M
