# syntax=docker/dockerfile:1
#
# Butler Portal: the built backend serving the built frontend, on PostgreSQL, with the production
# config (app-config.yaml + app-config.production.yaml; never app-config.embedded.yaml).
#
# Backstage's documented multi-stage build ("Building a Docker image"), adapted in two places:
#  - Yarn is not committed here: scripts/portal.js fetches the pinned, integrity-checked Yarn
#    release (scripts/yarnRelease.js) with npm and installs with it, as `npm test` does.
#  - The production dependencies are installed in their own stage, which has the compilers the
#    native modules need, so the final image carries neither compilers nor Yarn.
# The build needs the npm registry (and Debian's apt); the running image needs no network of its
# own beyond what the config points it at (PostgreSQL, the Git hosts, the OIDC provider).
#
#   docker build -t butler-portal .
#   docker build --build-arg NPM_REGISTRY=https://<your mirror>/ -t butler-portal .
#   docker run -p 7007:7007 -e PORTAL_BASE_URL=... -e POSTGRES_HOST=... (README, "Production") butler-portal

# Node 22 LTS, the version scripts/nodeRelease.js pins (Backstage 1.55 needs 22 or 24; 24 crashes
# better-sqlite3). Pin a digest here to make the base image immutable too.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

# Stage 1 - the yarn install skeleton: every workspace's package.json and nothing else, so the
# install layer is reused while no manifest changes.
FROM ${NODE_IMAGE} AS packages
WORKDIR /app
COPY package.json yarn.lock .yarnrc.yml backstage.json ./
COPY packages packages
COPY plugins plugins
COPY schemas/package.json schemas/package.json
RUN find packages plugins -mindepth 2 -maxdepth 2 \! -name "package.json" -exec rm -rf {} \+

# Stage 2 - install every dependency and build the backend bundle (which builds packages/app too).
FROM ${NODE_IMAGE} AS build
# node-gyp's Python; compilers for the native modules (better-sqlite3, isolated-vm for the
# scaffolder), built from source: prebuilt-binary downloads are not used (scripts/portal.js)
ENV PYTHON=/usr/bin/python3
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ build-essential libsqlite3-dev && \
    rm -rf /var/lib/apt/lists/*

USER node
# created as `node` with BuildKit (DOCKER_BUILDKIT=1)
WORKDIR /app
ARG NPM_REGISTRY=
RUN if [ -n "$NPM_REGISTRY" ]; then npm config set registry "$NPM_REGISTRY"; fi

COPY --from=packages --chown=node:node /app .
COPY --chown=node:node scripts/*.js scripts/
# Yarn (pinned, integrity-checked) into .tools/, then `yarn install --immutable` (CI=true)
RUN --mount=type=cache,target=/home/node/.yarn/berry/cache,sharing=locked,uid=1000,gid=1000 \
    CI=true node scripts/portal.js install

COPY --chown=node:node . .

RUN node scripts/portal.js yarn tsc
# `yarn build:all` rather than the documented `yarn workspace backend build`: the latter builds
# the backend's workspace dependencies itself and stops at the role-less `schemas` workspace
# (no build script; its JSON files are its content). This builds every package, the app, then
# the backend bundle (packages/backend/dist/{bundle,skeleton}.tar.gz) with the app inside.
RUN node scripts/portal.js yarn backstage-cli repo build --all
# the single-file butler-gitops CLI the portal serves at /api/gitops/cli/butler-gitops.mjs
RUN node scripts/portal.js yarn workspace @butler-portal/gitops-cli run build:bundle

RUN mkdir packages/backend/dist/skeleton packages/backend/dist/bundle \
    && tar xzf packages/backend/dist/skeleton.tar.gz -C packages/backend/dist/skeleton \
    && tar xzf packages/backend/dist/bundle.tar.gz -C packages/backend/dist/bundle

# Stage 3 - the production dependencies of the bundle only (`yarn workspaces focus --production`
# on the bundle's skeleton), compiled here so that the final image needs no compilers (the
# documented build installs them in the final image instead).
FROM ${NODE_IMAGE} AS deps
ENV PYTHON=/usr/bin/python3
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && \
    apt-get install -y --no-install-recommends python3 g++ build-essential libsqlite3-dev && \
    rm -rf /var/lib/apt/lists/*

USER node
WORKDIR /app
ARG NPM_REGISTRY=
COPY --from=build --chown=node:node /app/.tools/yarn-4.13.0 ./.tools/yarn-4.13.0
COPY --from=build --chown=node:node /app/.yarnrc.yml /app/backstage.json /app/yarn.lock /app/package.json ./
COPY --from=build --chown=node:node /app/packages/backend/dist/skeleton/ ./
# native modules build against the image's own Node headers, offline
ENV NODE_ENV=production \
    npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    YARN_ENABLE_TELEMETRY=0
RUN --mount=type=cache,target=/home/node/.yarn/berry/cache,sharing=locked,uid=1000,gid=1000 \
    ${NPM_REGISTRY:+env YARN_NPM_REGISTRY_SERVER=$NPM_REGISTRY} \
    node .tools/yarn-4.13.0/yarn.js workspaces focus --all --production

# Stage 4 - the image: the bundle, its production dependencies, the production config and the
# files that config reads (repo layouts, software templates). No examples/ (the embedded
# default's guest user) and no app-config.embedded.yaml.
FROM ${NODE_IMAGE}

USER node
WORKDIR /app

# the skeleton's workspaces with their production node_modules (and Yarn's 3 MB bundle, which
# nothing runs here)
COPY --from=deps --chown=node:node /app ./
# the built backend and the built frontend it serves (packages/app/dist, via plugin-app-backend)
COPY --from=build --chown=node:node /app/packages/backend/dist/bundle/ ./

# the built CLI file, where the gitops backend looks for it (packages/gitops-cli/dist-bundle)
COPY --from=build --chown=node:node /app/packages/gitops-cli/package.json ./packages/gitops-cli/package.json
COPY --from=build --chown=node:node /app/packages/gitops-cli/dist-bundle/ ./packages/gitops-cli/dist-bundle/

COPY --chown=node:node app-config.yaml app-config.production.yaml ./
COPY --chown=node:node repo-layouts ./repo-layouts
COPY --chown=node:node templates ./templates

# many dependencies switch to production behaviour; the guest provider (not configured here
# anyway) refuses to sign anyone in outside development
ENV NODE_ENV=production
# the scaffolder's sandbox (isolated-vm) needs this on Node 20+
ENV NODE_OPTIONS="--no-node-snapshot"

EXPOSE 7007
CMD ["node", "packages/backend", "--config", "app-config.yaml", "--config", "app-config.production.yaml"]
