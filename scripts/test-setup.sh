#!/usr/bin/env bash
# The set-up step of `npm test`: the system programs the tests run for real. Missing ones are
# installed with apt-get when this user can (root, or sudo without a password); otherwise every
# missing package is named in one line and the tests do not start.
set -euo pipefail

# "<command> <Debian package>": what the test suite runs. A suite that starts needing another
# program (initdb: postgresql, registry: docker-registry, chromium: chromium) adds its line here.
REQUIRED=(
  "git git"
  "redis-server redis-server"
  "docker-registry docker-registry"
  "initdb postgresql"
  "chromium chromium"
)

# Where Debian keeps PostgreSQL's server programs (off PATH); a glob, set apart for the script's tests.
POSTGRES_BINS="${NESTOR_POSTGRES_BINS:-/usr/lib/postgresql/*/bin}"

# Whether a program is there: on PATH, or among PostgreSQL's server programs.
found() {
  command -v "$1" >/dev/null 2>&1 && return 0
  compgen -G "$POSTGRES_BINS/$1" >/dev/null
}

missing_packages() {
  local entry
  for entry in "${REQUIRED[@]}"; do
    found "${entry%% *}" || printf '%s ' "${entry#* }"
  done
}

# How this user may run apt-get without a password prompt: as root, or through `sudo -n`.
export DEBIAN_FRONTEND=noninteractive
can_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$EUID" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n DEBIAN_FRONTEND=noninteractive)
  else
    return 1
  fi
}

missing=$(missing_packages)
if [ -n "$missing" ] && can_install; then
  echo "test set-up: installing ${missing% } with apt-get" >&2
  # shellcheck disable=SC2086 # a list of package names
  "${as_root[@]}" apt-get update -qq >&2 && "${as_root[@]}" apt-get install -y -qq --no-install-recommends $missing >&2 \
    || echo "test set-up: apt-get failed (above)" >&2
  missing=$(missing_packages)
fi
if [ -n "$missing" ]; then
  echo "test set-up: missing system packages: ${missing% } (install them, e.g. \`sudo apt-get install ${missing% }\`, then run npm test again)" >&2
  exit 1
fi

command -v kubectl >/dev/null 2>&1 \
  || echo "test set-up: kubectl not found: the simulator is checked through @kubernetes/client-node only" >&2
exit 0
