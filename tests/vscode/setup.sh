#!/usr/bin/env bash
# Installs what the real VS Code end-to-end test needs, idempotently:
#   - Debian packages: chromium (the browser Playwright drives), ripgrep (code-server's
#     search, instead of @vscode/ripgrep's GitHub download), and the headers code-server's
#     native modules build against (libkrb5-dev, libxkbfile-dev, libsecret-1-dev), plus
#     the compilers node-gyp needs;
#   - code-server 4.100.3 (VS Code 1.100.3; the last release that runs on Node 20) from the
#     npm registry, built with the offline recipe of docs in /work/shared/reference/editors.md
#     into tests/vscode/.cache/ (gitignored), with a stamp so reruns take seconds;
#   - playwright-core (pinned in package.json / package-lock.json) into tests/vscode/node_modules.
# Nothing is downloaded from anywhere but apt, npm (and, through node-gyp, node headers that
# are already on the machine; see NODEDIR below).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$HERE/.cache"
CS_VERSION=4.100.3
CS_PREFIX="$CACHE/code-server-$CS_VERSION"
CS_STAMP="$CS_PREFIX/.installed"
export CI=1 npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log() { printf '[vscode-setup] %s\n' "$*" >&2; }
die() { printf '[vscode-setup] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- 1. Debian packages -------------------------------------------------------------
APT_PKGS=(chromium ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config)
missing=()
for p in "${APT_PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install -y ${missing[*]}"
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v node >/dev/null || die "node is not installed (Node 20 is expected)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[[ $NODE_MAJOR == 20 ]] || log "warning: node $(node -v); code-server $CS_VERSION is built for Node 20"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing after install"
[[ -x /usr/bin/rg ]] || die "/usr/bin/rg missing after install"

# node-gyp wants node's headers; point it at the running node's own include dir so that it
# does not try to download them from nodejs.org.
NODE_ROOT="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [[ -f "$NODE_ROOT/include/node/node.h" ]]; then
  export npm_config_nodedir="$NODE_ROOT"
fi

# ---- 2. code-server -------------------------------------------------------------------
if [[ -f $CS_STAMP && -x $CS_PREFIX/node_modules/.bin/code-server ]]; then
  log "code-server $CS_VERSION already installed in ${CS_PREFIX#$HERE/}"
else
  log "installing code-server $CS_VERSION into ${CS_PREFIX#$HERE/} (takes about a minute)"
  t0=$SECONDS
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  (
    cd "$CS_PREFIX"
    echo '{"name":"code-server-cache","private":true}' > package.json
    npm install --no-save --ignore-scripts --loglevel=error "code-server@$CS_VERSION"
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts --loglevel=error
    # @vscode/ripgrep's postinstall downloads rg from GitHub; it skips when bin/ exists.
    mkdir -p node_modules/@vscode/ripgrep/bin
    ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
    npm_config_yes=true npm rebuild --loglevel=error
    cd ../..
    npm_config_unsafe_perm=true \
      npm_config_user_agent="npm/$(npm -v) node/$(node -v) linux x64" \
      sh ./postinstall.sh
    cd "$CS_PREFIX"
    npm rebuild argon2 --loglevel=error
  ) >"$CACHE/code-server-install.log" 2>&1 || {
    tail -40 "$CACHE/code-server-install.log" >&2
    die "code-server install failed; full log in $CACHE/code-server-install.log"
  }
  "$CS_PREFIX/node_modules/.bin/code-server" --version >/dev/null \
    || die "code-server installed but does not run; see $CACHE/code-server-install.log"
  echo "$CS_VERSION" > "$CS_STAMP"
  log "code-server installed in $((SECONDS - t0)) s"
fi

# ---- 3. playwright-core --------------------------------------------------------------
if [[ -f $HERE/node_modules/.package-lock.json ]] && cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.setup-lock"; then
  log "playwright-core already installed"
else
  log "installing playwright-core (npm ci)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --loglevel=error) \
    || die "npm ci in $HERE failed"
  cp "$HERE/package-lock.json" "$HERE/node_modules/.setup-lock"
fi

log "ready: $("$CS_PREFIX/node_modules/.bin/code-server" --version | head -1), chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
