// `npm start`: build when needed, then serve in production mode. With no DATABASE_URL the embedded
// PGlite database in .data/ is created and migrated on first start.
import { spawn } from "node:child_process";
import { buildIfStale } from "./build-if-stale.mjs";

buildIfStale();
const child = spawn(process.execPath, ["server.mjs"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
