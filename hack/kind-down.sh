#!/usr/bin/env bash
# Deletes the local kind cluster (and with it every stack and volume in it).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need kind
if kind get clusters 2>/dev/null | grep -qx "${KIND_CLUSTER}"; then
  kind delete cluster --name "${KIND_CLUSTER}"
else
  log "no kind cluster ${KIND_CLUSTER}"
fi
