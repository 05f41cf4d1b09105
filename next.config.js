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
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() renders app/forbidden.tsx with status 403.
  experimental: { authInterrupts: true },
};
module.exports = nextConfig;
