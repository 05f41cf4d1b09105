// Builds the app when .next is missing or older than any source file. Shared by `npm start` and `npm test`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "prisma", "public", "types", "instrumentation.ts", "proxy.ts", "next.config.js", "package-lock.json", "postcss.config.mjs"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIfStale(root = process.cwd()) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const stale = !built || SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
  if (!stale && process.env.PORTICO_REBUILD !== "1") return false;
  console.log("[portico] building (first start or sources changed)…");
  execFileSync("npm", ["run", "build"], { stdio: "inherit", cwd: root });
  return true;
}
