// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Keep PGlite's ~15 MB of wasm and the database drivers out of the bundle.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "nodemailer", "ioredis"],
  poweredByHeader: false,
  reactStrictMode: true,
};
module.exports = nextConfig;
