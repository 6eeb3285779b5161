#!/usr/bin/env bash
# Applies an ElwosaStack manifest once the CRD is established (used by `make deploy` and the
# skaffold profiles). ELWOSA_IMAGE_REPOSITORY / ELWOSA_IMAGE_TAG, when set, point the stack at
# other platform images (e.g. the ones skaffold pushed to --default-repo).
# usage: hack/apply-stack.sh examples/kind.yaml
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 1 && -f "$1" ]] || die "usage: hack/apply-stack.sh <stack.yaml>"
need kubectl node
file="$1"

kc wait --for=condition=Established crd/elwosastacks.elwosa.io --timeout=120s
log "applying ${file}"
ref="$(kc apply --server-side --field-manager=elwosa-deploy -f "${file}" \
  -o jsonpath='{.metadata.namespace}/{.metadata.name}')"
namespace="${ref%%/*}"
name="${ref#*/}"
log "applied ElwosaStack ${namespace:-default}/${name}"

if [[ -n "${ELWOSA_IMAGE_REPOSITORY:-}" || -n "${ELWOSA_IMAGE_TAG:-}" ]]; then
  patch="$(node -e '
    const image = {};
    if (process.env.ELWOSA_IMAGE_REPOSITORY) image.repository = process.env.ELWOSA_IMAGE_REPOSITORY;
    if (process.env.ELWOSA_IMAGE_TAG) image.tag = process.env.ELWOSA_IMAGE_TAG;
    process.stdout.write(JSON.stringify({ spec: { image } }));
  ')"
  log "pointing ${namespace:-default}/${name} at the platform image ${patch}"
  kc -n "${namespace:-default}" patch elwosastack "${name}" --type=merge -p "${patch}"
fi
