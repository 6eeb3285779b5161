#!/usr/bin/env bash
# Makes sure shellcheck is on PATH (Debian package `shellcheck`); prints its path.
set -euo pipefail

if ! command -v shellcheck >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]]; then
    apt-get install -y --no-install-recommends shellcheck >&2 \
      || { apt-get update >&2 && apt-get install -y --no-install-recommends shellcheck >&2; }
  else
    sudo apt-get install -y --no-install-recommends shellcheck >&2
  fi
fi
command -v shellcheck
