# syntax=docker/dockerfile:1
# One image for the five services (npm workspaces): build once, choose the service with SERVICE (or a
# command). docker-compose.yml and k8s/ both run `node services/<name>/dist/main.js` explicitly.
#
#   docker build -t fitting-mirror:local .
#   docker run --env-file … fitting-mirror:local node services/qr-issuer/dist/main.js
#   docker build --build-arg SERVICE=wechat-gateway -t fitting-mirror-gateway:local .
#
# sharp's libvips and human's models / the tfjs wasm binaries come inside their npm packages: nothing is
# downloaded at build or run time beyond the npm registry.

# Node 24, an LTS line (security fixes until 2028-04-30), with its npm 11; package-lock.json is accepted by
# npm 11 and npm 10 alike and records the native builds of every platform (sharp, @swc/core), and the
# install scripts npm 11 may run are listed in package.json (allowScripts). Pin a digest for releases:
#   docker build --build-arg NODE_IMAGE=node:24.21-bookworm-slim@sha256:<digest> .
ARG NODE_IMAGE=node:24.21-bookworm-slim

# --- manifests: only the package.json files, so `npm ci` is cached until a dependency changes -------------
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && for f in libs/*/package.json services/*/package.json tools/*/package.json; do \
      mkdir -p "/out/$(dirname "$f")" && cp "$f" "/out/$f"; \
    done

# --- build: every dependency, then `tsc -b` ----------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir -p /dist \
 && for d in libs/* services/*; do \
      [ -d "$d/dist" ] && mkdir -p "/dist/$d" && cp -r "$d/dist" "/dist/$d/"; \
    done \
 && find /dist -name '*.tsbuildinfo' -delete

# --- runtime: production dependencies and the compiled output only, as an unprivileged user ----------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    PORT=3000
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*
# Code stays owned by root and read-only for the service user.
COPY --from=build /dist/ ./
USER 1000:1000
EXPOSE 3000
# Liveness of the process; the orchestrator's readiness uses /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["/bin/sh", "-c", "exec node \"services/${SERVICE:?set SERVICE (wechat-gateway, qr-issuer, photo-store, session-vision, binding) or give a command}/dist/main.js\""]
