# devtrace server / QA worker image.
#   docker build -t devtrace .
#   docker run --rm devtrace --help
# Stages: deps (production node_modules, native addons compiled), build (tsc, the web page), runtime.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
# better-sqlite3 and node-pty are native addons: a compiler in case no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS deps
# --ignore-scripts skips the package's own `prepare` (tsc, a dev dependency); the native
# addons' install scripts then run through `npm rebuild`.
RUN npm ci --omit=dev --ignore-scripts \
 && npm rebuild better-sqlite3 node-pty \
 && npm cache clean --force

FROM toolchain AS build
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY gen gen
COPY agent agent
COPY redact redact
COPY server server
COPY web web
# The workbench page (dist/web), served at / by the server.
RUN npx tsc -p tsconfig.json && npm run build:web

FROM ${NODE_IMAGE} AS runtime
# git and patch: QA checks out the task's base commit and applies the final patch.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git patch ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DEVTRACE_LISTEN=0.0.0.0:50051 \
    DEVTRACE_DATA_DIR=/data
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# The agent's shell integration scripts are read from the source tree (agent/shell/scripts-dir.ts).
COPY agent/shell/scripts agent/shell/scripts
RUN mkdir -p /data && chown node:node /data
# The image's unprivileged user; QA reaches Docker over DOCKER_HOST, never as root here.
USER node
VOLUME ["/data"]
EXPOSE 50051
ENTRYPOINT ["tini", "--", "node", "/app/dist/agent/cli.js"]
CMD ["server"]
