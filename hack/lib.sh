# shellcheck shell=bash
# Shared helpers of the kind/deploy/e2e scripts (sourced, not run).
# KIND_CLUSTER names the kind cluster (default elwosa). KUBE_CONTEXT selects the kubectl context
# (skaffold hooks get SKAFFOLD_KUBE_CONTEXT); unset, the current context is used, except by the
# kind scripts, which call use_kind_context.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIND_CLUSTER="${KIND_CLUSTER:-elwosa}"
KUBE_CONTEXT="${KUBE_CONTEXT:-${SKAFFOLD_KUBE_CONTEXT:-}}"
OPERATOR_NAMESPACE="${OPERATOR_NAMESPACE:-elwosa-system}"
export ROOT KIND_CLUSTER KUBE_CONTEXT OPERATOR_NAMESPACE

die() {
  echo "error: $*" >&2
  exit 1
}

log() {
  echo "==> $*" >&2
}

need() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} is required (see docs/install.md)"
  done
}

# The kind cluster's context, unless KUBE_CONTEXT says otherwise.
use_kind_context() {
  KUBE_CONTEXT="${KUBE_CONTEXT:-kind-${KIND_CLUSTER}}"
  export KUBE_CONTEXT
}

kc() {
  if [[ -n "${KUBE_CONTEXT}" ]]; then
    kubectl --context "${KUBE_CONTEXT}" "$@"
  else
    kubectl "$@"
  fi
}

# The platform version: the operator's version (also the stack's default image tag).
elwosa_version() {
  node -p "require('${ROOT}/operator/package.json').version"
}
