// Prisma CLI configuration. The CLI runs on Prisma's bundled WebAssembly engine ("js") with an
// in-memory PGlite database, so `prisma generate` and `prisma migrate diff` never download a
// native engine (these machines have no internet but the npm registry).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { pgliteAdapter } from "./lib/db/pglite-adapter";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return pgliteAdapter(new PGlite("memory://")) as never;
  },
});
