#!/usr/bin/env bash
# Installs Debian's chromium for the web dashboard's end-to-end tests (playwright-core drives it
# at /usr/bin/chromium; no browser download). Does nothing when it is already there.
set -euo pipefail
CHROMIUM="${ELWOSA_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing at $CHROMIUM and apt-get is not available: install Chromium and set ELWOSA_CHROMIUM" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing chromium (Debian package)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
test -x "$CHROMIUM"
