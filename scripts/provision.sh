#!/usr/bin/env bash
# What the tests need beyond `pnpm install`, on a fresh machine of this kind (Debian):
# PostgreSQL answering on 127.0.0.1:5432 and the system's Chromium. Provisions what it can
# (starts the cluster, installs Debian's chromium as root or with passwordless sudo);
# otherwise stops with one line naming the command to run. `pnpm test` and `.ci/run` both
# call this script. PROVISION_DRY_RUN=1 says what it would do and changes nothing.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
dry() { [ "${PROVISION_DRY_RUN:-}" = 1 ]; }
fail() { echo "provision: $*" >&2; exit 1; }

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_up; then
  cluster="$(ls /etc/postgresql 2>/dev/null | head -n 1)"
  [ -n "$cluster" ] || fail "PostgreSQL is not installed: run \`sudo apt-get install -y postgresql\`"
  if dry; then
    echo "provision: would start PostgreSQL $cluster (pg_ctlcluster $cluster main start)"
  else
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || fail "PostgreSQL is not reachable on 127.0.0.1:5432: run \`sudo pg_ctlcluster $cluster main start\`"
  fi
fi

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    fail "Chromium is missing at $CHROMIUM: run \`sudo apt-get install -y chromium\` (Debian's package; or set CHROMIUM_PATH)"
  fi
  if dry; then
    echo "provision: would install Debian's chromium with apt-get"
  else
    echo "provision: installing Debian's chromium (apt-get), once" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    [ -x "$CHROMIUM" ] || fail "apt-get did not install Chromium at $CHROMIUM"
  fi
fi
