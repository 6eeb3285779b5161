#!/usr/bin/env bash
# Creates the local kind cluster (hack/kind-config.yaml) unless it exists, and waits for its nodes.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_kind_context

need docker kind kubectl
if kind get clusters 2>/dev/null | grep -qx "${KIND_CLUSTER}"; then
  log "kind cluster ${KIND_CLUSTER} exists"
else
  log "creating kind cluster ${KIND_CLUSTER}"
  kind create cluster --name "${KIND_CLUSTER}" --config "${ROOT}/hack/kind-config.yaml" --wait 180s
fi
kc wait --for=condition=Ready nodes --all --timeout=180s
kc get nodes -o wide
