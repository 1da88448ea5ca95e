#!/usr/bin/env bash
# Everything the VS Code extension needs, from a clean clone: install (npm ci, skipped when
# node_modules matches package-lock.json), type check, lint, unit tests, bundle, package.
# The .vsix lands at editors/vscode/build/kimi-lsp.vsix. Only the npm registry is needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=node_modules/.kimi-lock-stamp
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
  echo "== npm ci: skipped (node_modules matches package-lock.json)"
else
  echo "== npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_sum" > "$stamp"
fi

echo "== tsc --noEmit"
npx --no-install tsc --noEmit -p .
echo "== eslint"
npx --no-install eslint .
echo "== vitest"
npx --no-install vitest run
echo "== esbuild"
rm -rf dist
node scripts/bundle.mjs
echo "== vsce package"
mkdir -p build
rm -f build/kimi-lsp.vsix
npx --no-install vsce package --no-dependencies -o build/kimi-lsp.vsix

size=$(stat -c %s build/kimi-lsp.vsix)
echo
echo "vsix: $(pwd)/build/kimi-lsp.vsix ($((size / 1024)) KiB)"
