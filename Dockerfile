# syntax=docker/dockerfile:1
# The ELWOSA platform image: one entry point, any target (`elwosa start --target <t>`,
# `elwosa migrate`). Build: docker build -t ghcr.io/elwosa/elwosa:0.1.0 .
# Runs as uid 10001 with a read-only root filesystem (writable: /tmp and ELWOSA_DATA_DIR; with
# plain Docker: docker run --read-only --tmpfs /tmp -v elwosa-data:/data …).
# Every workspace's package.json is copied before the install (a test checks it), the web
# dashboard is built (the gateway serves services/web/dist), and dev dependencies, tests and
# TypeScript sources are dropped.

FROM node:24-bookworm-slim AS build
WORKDIR /src
ENV PRISMA_SCHEMA_ENGINE_BINARY=/src/package.json PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY services/runtime/package.json services/runtime/
COPY services/auth/package.json services/auth/
COPY services/gateway/package.json services/gateway/
COPY services/tasks/package.json services/tasks/
COPY services/notifications/package.json services/notifications/
COPY services/ai-bridge/package.json services/ai-bridge/
COPY services/memory/package.json services/memory/
COPY services/chat/package.json services/chat/
COPY services/analytics/package.json services/analytics/
COPY services/web/package.json services/web/
COPY services/cli/package.json services/cli/
COPY operator/package.json operator/
# `npm install` honours package-lock.json; `npm ci` refuses it because the lock file lacks some
# foreign-platform optional packages (docs/decisions.md, the Makefile's deps target).
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY hack/generate.mjs hack/
COPY services services
RUN node hack/generate.mjs && npx tsc -b services/cli \
 && npm run build --workspace @elwosa/web \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf services/*/test services/web/src services/web/public \
 && find services -path '*/node_modules' -prune -o -name '*.ts' -path '*/src/*' -print | xargs rm -f

FROM node:24-bookworm-slim
ENV NODE_ENV=production ELWOSA_DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/services services
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["node", "services/cli/bin/elwosa.js"]
CMD ["start", "--target", "all"]
