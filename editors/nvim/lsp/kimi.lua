-- kimi-lsp for Neovim 0.11+: put `editors/nvim` on 'runtimepath', then `vim.lsp.enable("kimi")`.
--
-- filetypes is left nil on purpose: kimi-lsp is language-agnostic (it sends the buffer's
-- language id to the model and does no per-language analysis), and it never calls the model
-- until you run a command. Restrict it with
--   vim.lsp.config("kimi", { filetypes = { "python", "lua" } })
-- if you prefer.

---@type vim.lsp.Config
return {
  cmd = { "kimi-lsp" },
  filetypes = nil,
  root_markers = {
    ".git",
    "pyproject.toml",
    "setup.py",
    "package.json",
    "Cargo.toml",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "Makefile",
  },
  -- Answered to the server's `workspace/configuration` request for section `kimi`.
  -- Keep the API key in the environment (EMPIRIOLABS_API_KEY, AIGATEWAY_API_KEY or
  -- KIMI_LSP_API_KEY), not here.
  settings = { kimi = {} },
  handlers = {
    ["kimi/stream"] = function(err, result, ctx)
      return require("kimi.stream").handler(err, result, ctx)
    end,
    ["workspace/applyEdit"] = function(err, params, ctx)
      return require("kimi.client").apply_edit_handler(err, params, ctx)
    end,
    -- Proposals: drawn in the buffer (a rewrite), kept for :KimiAccept (a change).
    ["kimi/proposal"] = function(err, result, ctx)
      return require("kimi.proposals").handler(err, result, ctx)
    end,
    -- One line, never a hit-enter prompt (Neovim's own ends with a line break).
    ["window/showMessage"] = function(err, result, ctx)
      return require("kimi.notify").show_message_handler(err, result, ctx)
    end,
  },
  -- Forget the progress and the explanations of a server that exited (killed, or crashed).
  on_exit = function(_, _, client_id)
    vim.schedule(function()
      require("kimi").client_exited(client_id)
    end)
  end,
  -- Client-side handlers: code actions run these instead of going straight to the server.
  -- Each one sends `workspace/executeCommand` to the server itself.
  commands = {
    ["kimi.explain"] = function(command, ctx)
      require("kimi.actions").explain_command(command, ctx)
    end,
    ["kimi.refactor"] = function(command, ctx)
      require("kimi.actions").refactor_command(command, ctx)
    end,
    ["kimi.fix"] = function(command, ctx)
      require("kimi.actions").fix_command(command, ctx)
    end,
    -- The code lens "Accept (Kimi) | Reject" and the code actions "Kimi: Accept change" /
    -- "Kimi: Reject change".
    ["kimi.accept"] = function(command, ctx)
      require("kimi.decide").accept_command(command, ctx)
    end,
    ["kimi.reject"] = function(command, ctx)
      require("kimi.decide").reject_command(command, ctx)
    end,
    ["kimi.undo"] = function(command, ctx)
      require("kimi.decide").undo_command(command, ctx)
    end,
  },
}
