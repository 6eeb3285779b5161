#!/usr/bin/env bash
# Builds both images, loads them into the kind cluster, installs the operator chart and applies
# the kind example stack. Re-running upgrades in place.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_kind_context

need docker kind kubectl node
version="$(elwosa_version)"
platform_image="ghcr.io/elwosa/elwosa:${version}"
operator_image="ghcr.io/elwosa/elwosa-operator:${version}"

log "building ${platform_image}"
docker build -t "${platform_image}" "${ROOT}"
log "building ${operator_image}"
docker build -f "${ROOT}/operator/Dockerfile" -t "${operator_image}" "${ROOT}"
log "loading the images into kind cluster ${KIND_CLUSTER}"
kind load docker-image --name "${KIND_CLUSTER}" "${platform_image}" "${operator_image}"

helm="$("${ROOT}/hack/ensure-helm.sh")"
log "installing the operator chart into ${OPERATOR_NAMESPACE}"
"${helm}" upgrade --install elwosa-operator "${ROOT}/charts/elwosa-operator" \
  --kube-context "${KUBE_CONTEXT}" \
  --namespace "${OPERATOR_NAMESPACE}" --create-namespace \
  --set image.tag="${version}" --set image.pullPolicy=IfNotPresent \
  --wait --timeout 5m

"${ROOT}/hack/apply-stack.sh" "${ROOT}/examples/kind.yaml"
