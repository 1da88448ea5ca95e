#!/usr/bin/env bash
# The real VS Code end-to-end test: code-server 4.100.3 (VS Code 1.100.3) in headless
# Debian chromium, driven by Playwright, with the packaged kimi-lsp extension installed and
# the kimi-lsp server talking to a standalone simulator of the model API (`kimi-lsp
# simulator`, started here) as an "openai-compatible" provider. The simulator only accepts a
# random key made up for this run, which the test types into "Kimi: Set API Key": it is never
# written to disk nor put in code-server's environment. Everything stays on 127.0.0.1.
#
#   bash tests/vscode/run.sh        (the vsix must exist: make vscode builds it)
#
# Output, screenshots and logs: test-output/vscode/ (wiped at each run). Exit code = the test's.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="$REPO/test-output/vscode"
VSIX="${KIMI_E2E_VSIX:-$REPO/editors/vscode/build/kimi-lsp.vsix}"
SERVER="${KIMI_E2E_SERVER:-$REPO/.venv/bin/kimi-lsp}"
CODE_SERVER="$HERE/.cache/code-server-4.100.3/node_modules/.bin/code-server"

log() { printf '[vscode-e2e] %s\n' "$*" >&2; }
die() { printf '[vscode-e2e] ERROR: %s\n' "$*" >&2; exit 2; }

t_start=$SECONDS
bash "$HERE/setup.sh"

[[ -f $VSIX ]] || die "extension package not found: $VSIX (build it first: make vscode, or bash editors/vscode/scripts/check.sh)"
[[ -x $SERVER ]] || die "kimi-lsp server not found at $SERVER (make install / the repo's .venv)"

rm -rf "$OUT"
mkdir -p "$OUT"/{user-data,extensions,home,xdg-config,xdg-data,xdg-cache}
WS="$OUT/workspace"
cp -r "$HERE/workspace" "$WS"
# Keep the workspace out of the repo's git: it sits under test-output/ (gitignored), but VS
# Code would still find the repo's .git above it; git.enabled is off anyway.

# The server must see only the settings written below: no key or provider from the caller's
# environment (a real API key there would otherwise be used), no user config file.
for v in $(compgen -e); do
  case $v in KIMI_LSP_*|KIMI_E2E_API_KEY|EMPIRIOLABS_*|AIGATEWAY_*|OPENAI_*|MOONSHOT_*) unset "$v";; esac
done
export HOME="$OUT/home" XDG_CONFIG_HOME="$OUT/xdg-config" XDG_DATA_HOME="$OUT/xdg-data" XDG_CACHE_HOME="$OUT/xdg-cache"

SIM_PID= CS_PID=
# Stops a process group started with setsid: TERM, up to 3 s, then KILL.
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  # code-server, its extension hosts and the kimi-lsp servers they spawned share one
  # process group (setsid); the extension hosts would otherwise linger for hours.
  [[ -n $CS_PID ]] && stop_group "$CS_PID"
  [[ -n $SIM_PID ]] && stop_group "$SIM_PID"
  # e2e.mjs scanned for the key already; this catches whatever was written after it (the
  # shutdown just above). -l: print file names only, never the key.
  if [[ -n ${API_KEY:-} && -d $OUT ]] && leaks=$(grep -rlF -e "$API_KEY" "$OUT" 2>/dev/null); then
    printf '[vscode-e2e] ERROR: the test API key was written to:\n%s\n' "$leaks" >&2
    rc=1
  fi
  log "total $((SECONDS - t_start)) s; output in ${OUT#$REPO/}"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The model API: a standalone simulator on a free port (--port 0; it prints the address) that
# refuses any request without this run's key, answers from cassette.json (the explanations,
# the refactor, the ghost text) and streams slowly enough (pace s between chunks) that an
# explanation takes a few seconds and can be stopped halfway. The key looks
# nothing like a real one (no "sk-") so that a leak is unambiguous; it stays in this shell
# (not exported) and reaches only the simulator's command line and e2e.mjs's environment.
API_KEY="kimiVsc$(python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(20)))')"
SIM_PACE="${KIMI_E2E_PACE:-0.03}"
setsid "$SERVER" simulator --port 0 --api-key "$API_KEY" --pace "$SIM_PACE" --latency 0.2 \
  --script "$HERE/cassette.json" >"$OUT/simulator.log" 2>&1 &
SIM_PID=$!
SIM_URL=
for _ in $(seq 1 200); do
  SIM_URL=$(sed -n 's/^kimi simulator listening on \(http:[^ ]*\)$/\1/p' "$OUT/simulator.log")
  [[ -n $SIM_URL ]] && break
  kill -0 "$SIM_PID" 2>/dev/null || { cat "$OUT/simulator.log" >&2; die "the simulator exited at start"; }
  sleep 0.1
done
[[ -n $SIM_URL ]] || { cat "$OUT/simulator.log" >&2; die "the simulator did not say where it listens"; }
log "simulator up on $SIM_URL (pid $SIM_PID, pace $SIM_PACE s)"

mkdir -p "$OUT/user-data/User"
cat > "$OUT/user-data/User/settings.json" <<JSON
{
  "git.enabled": false,
  "git.autoRepositoryDetection": false,
  "github.gitAuthentication": false,
  "telemetry.telemetryLevel": "off",
  "security.workspace.trust.enabled": false,
  "security.workspace.trust.startupPrompt": "never",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.settings.enableNaturalLanguageSearch": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "npm.fetchOnlinePackageInfo": false,
  "typescript.surveys.enabled": false,
  "chat.disableAIFeatures": true,
  "files.autoSave": "off",
  "files.insertFinalNewline": false,
  "files.trimTrailingWhitespace": false,
  "editor.formatOnSave": false,
  "editor.inlineSuggest.enabled": true,
  "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
  "editor.suggestOnTriggerCharacters": false,
  "editor.acceptSuggestionOnEnter": "off",
  "editor.wordBasedSuggestions": "off",
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.minimap.enabled": false,
  "window.restoreWindows": "none",
  "kimi.server.command": ["$SERVER"],
  "kimi.provider": "openai-compatible",
  "kimi.baseUrl": "$SIM_URL",
  "kimi.model": "kimi-k2-7-code"
}
JSON
# No gallery, no marketplace: point it at a closed port so nothing goes online.
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/item","resourceUrlTemplate":"http://127.0.0.1:9/resource/{publisher}/{name}/{version}/{path}"}'
CS_ARGS=(--config "$OUT/code-server.yaml" --user-data-dir "$OUT/user-data" --extensions-dir "$OUT/extensions")
: > "$OUT/code-server.yaml"

t0=$SECONDS
"$CODE_SERVER" "${CS_ARGS[@]}" --install-extension "$VSIX" --force >"$OUT/install-extension.log" 2>&1 || {
  cat "$OUT/install-extension.log" >&2; die "code-server --install-extension $VSIX failed"; }
log "installed $(basename "$VSIX") in $((SECONDS - t0)) s: $("$CODE_SERVER" "${CS_ARGS[@]}" --list-extensions --show-versions 2>/dev/null | tr '\n' ' ')"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

setsid "$CODE_SERVER" "${CS_ARGS[@]}" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --disable-proxy \
  --ignore-last-opened "$WS" >"$OUT/code-server.log" 2>&1 &
CS_PID=$!

healthy() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; }
for _ in $(seq 1 300); do
  healthy && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$OUT/code-server.log" >&2; die "code-server exited at start"; }
  sleep 0.1
done
healthy || die "code-server not healthy on port $PORT"
log "code-server up on 127.0.0.1:$PORT (pid $CS_PID)"

set +e
# The key goes to e2e.mjs in its environment only (it removes it before starting chromium).
KIMI_E2E_API_KEY="$API_KEY" node "$HERE/e2e.mjs" --url "http://127.0.0.1:$PORT/" --workspace "$WS" --out "$OUT" \
  --logs "$OUT/user-data/logs" --simulator "$SIM_URL" --code-server-pid "$CS_PID"
rc=$?
set -e
exit $rc
