import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "server-only": path.resolve(__dirname, "test/empty-module.ts"),
      "@": path.resolve(__dirname),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    // Redis-store tests belong to runs that configure Redis (REDIS_URL), like CI's PostgreSQL pass.
    exclude: process.env.REDIS_URL || process.env.TEST_REDIS_URL ? [] : ["**/redis-*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["test/setup-env.ts"],
    pool: "forks",
  },
});
