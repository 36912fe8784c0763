# Phoenix API image: build with TypeScript, run the compiled JavaScript on Node 24 (an LTS line
# maintained until April 2028; Phoenix supports Node 22 and 24, see README › Quick start) with
# production dependencies only, as the unprivileged `node` user. CI runs the suite on Node 22 and
# on this image's Node major (.ci/run).
#
#   docker build -t phoenix .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://user:password@db-host:5432/phoenix phoenix
#
# DATABASE_URL is required in a container: without it the server tries to start an embedded
# PostgreSQL, which this image deliberately cannot do (see the runtime `npm ci` below).
#
# The base image is pinned to the Node major only. For reproducible builds pin the digest too,
# e.g. `ARG NODE_IMAGE=node:24-bookworm-slim@sha256:<digest>`, taking <digest> from
# `docker buildx imagetools inspect node:24-bookworm-slim` (or `docker pull` + `docker inspect
# --format '{{index .RepoDigests 0}}' node:24-bookworm-slim`), and let Renovate/Dependabot bump it.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: all dependencies, compile src/ and generated/ to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The sdk/ workspace (the client package, published on its own) is not copied into either stage:
# with its folder absent, `npm ci` installs the root's packages only, and the server needs none
# of the SDK's.
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall applies patches/ (patch-package) to the installed dependencies.
COPY patches ./patches
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY generated ./generated
RUN npm run build

# ---- runtime: production dependencies + compiled code + the files read at run time ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# --omit=dev: no TypeScript, tsx, vitest, eslint, redocly in the image.
# --ignore-scripts: the only production packages with install scripts are the
# @embedded-postgres/<platform> binaries (their postinstall makes the shared-library symlinks
# that initdb/postgres need). The server imports embedded-postgres lazily, only when DATABASE_URL
# is unset, so with DATABASE_URL set nothing needs them (checked: /healthz, /readyz, migrations,
# POST /api/generate_key all work). Skipping the scripts runs no package code at build time, and
# the embedded server cannot run in this image (nor can `node` write /app/.data), so a forgotten
# DATABASE_URL makes the container exit 1 at start instead of keeping the data in a throw-away
# database inside the container.
# npm ls: npm (seen with npm 10, Node 20's) can end a failed `npm ci` (e.g. registry unreachable) with
# "Exit handler never called!" and exit status 0; fail the build here instead of shipping an
# image without node_modules.
RUN npm ci --omit=dev --ignore-scripts \
 && npm ls --omit=dev > /dev/null \
 && npm cache clean --force
# The patched postgres.js from the build stage (patches/: --ignore-scripts skipped patch-package,
# which is a development dependency).
COPY --from=build /app/node_modules/postgres ./node_modules/postgres
COPY --from=build /app/dist ./dist
COPY openapi.yaml ./
COPY sql ./sql
# Everything above is owned by root and read-only for the app; the server writes nothing to disk
# when DATABASE_URL is set.
USER node
EXPOSE 3000
# No curl in slim images: probe /healthz with Node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node directly (not npm) so that SIGTERM from `docker stop` reaches the server, which drains
# requests and closes the database pool before exiting.
CMD ["node", "dist/src/server.js"]
