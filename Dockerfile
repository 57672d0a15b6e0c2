# syntax=docker/dockerfile:1
# Campus Orders: one image runs migrations, the demo seed (unless DEMO_DATA=false), the API and the worker.
# For more replicas run the API and the worker as separate containers from this image:
#   node dist/apps/api/src/main.js   and   node dist/apps/worker/src/main.js

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY package.json package-lock.json ./
# The console is an npm workspace: npm ci needs its manifest too.
COPY apps/console/package.json apps/console/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# start.js forwards SIGTERM/SIGINT to the API and the worker and waits for both.
STOPSIGNAL SIGTERM
CMD ["node", "dist/scripts/start.js"]
