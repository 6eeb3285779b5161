#!/usr/bin/env bash
# Waits for the kind example stack to become Ready, then runs the smoke test through the gateway
# (hack/smoke.mjs: register, sign in, create a task, chat with the tiny CPU model).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need kubectl node
stack="${STACK:-dev}"
namespace="${STACK_NAMESPACE:-default}"
port="${LOCAL_PORT:-18080}"

log "waiting for the operator"
kc -n "${OPERATOR_NAMESPACE}" rollout status deployment -l app.kubernetes.io/name=elwosa-operator --timeout=5m
log "waiting for ElwosaStack ${namespace}/${stack} to become Ready (model pulls take a while)"
if ! kc -n "${namespace}" wait "elwosastack/${stack}" --for=condition=Ready --timeout="${READY_TIMEOUT:-20m}"; then
  kc -n "${namespace}" get elwosastack "${stack}" -o yaml >&2 || true
  kc -n "${namespace}" get pods -o wide >&2 || true
  die "stack ${stack} is not Ready"
fi
kc -n "${namespace}" get elwosastack "${stack}"

log "port-forwarding svc/${stack}-gateway to 127.0.0.1:${port}"
kc -n "${namespace}" port-forward "svc/${stack}-gateway" "${port}:8080" >/dev/null &
forward=$!
trap 'kill "${forward}" 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do
  if node -e "fetch('http://127.0.0.1:${port}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    break
  fi
  sleep 1
done

node "${ROOT}/hack/smoke.mjs" "http://127.0.0.1:${port}"
