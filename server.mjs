// Portico's HTTP server: Next.js behind a thin Node server. It establishes the client address:
// `x-portico-client-ip` is always overwritten with the socket's address, and stamped with a random
// per-process marker that lib/http/request-context.ts checks (lib/http/server-marker.ts), so no
// client can forge it, here or where Portico runs without this server;
// forwarding headers are dropped unless TRUST_PROXY says a proxy in front sets them. And it hands the
// machine-facing protocol endpoints (token, UserInfo, introspection...) to the handler that
// instrumentation.ts registered (lib/http/fast-path.ts), which skips Next's per-request cost.
// The marker and the handler cross between this file and the app through lib/http/process-handshake.mjs.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import next from "next";
import { CLIENT_IP_HEADER, SERVER_MARKER_HEADER, fastPath, setServerMarker } from "./lib/http/process-handshake.mjs";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const trustProxy = ["1", "true"].includes(process.env.TRUST_PROXY ?? "");
const dev = process.env.NODE_ENV === "development";
// Shared with the app inside this process (process-handshake.mjs), never through the environment or a response.
const marker = crypto.randomBytes(32).toString("base64url");
setServerMarker(marker);

// The configuration the build resolved, as Next's own standalone server passes it: the container
// image (.next/standalone) has no next.config.js, and the project's would only repeat it.
const builtConfig = ".next/required-server-files.json";
if (!dev && !process.env.__NEXT_PRIVATE_STANDALONE_CONFIG && fs.existsSync(builtConfig)) {
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(JSON.parse(fs.readFileSync(builtConfig, "utf8")).config);
}

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

http
  .createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
    req.headers[SERVER_MARKER_HEADER] = marker;
    if (!trustProxy) {
      delete req.headers["x-forwarded-for"];
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
      delete req.headers["x-real-ip"];
    }
    // Not in development: Next reloads changed code, a handler captured at start would not be.
    const serveFast = dev ? undefined : fastPath();
    if (serveFast?.(req, res)) return;
    handle(req, res);
  })
  .listen(port, hostname, () => {
    console.log(`[portico] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
  });
