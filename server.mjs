// Portico's HTTP server: Next.js behind a thin Node server. It establishes the client address:
// `x-portico-client-ip` is always overwritten with the socket's address, and stamped with a random
// per-process marker that lib/http/request-context.ts checks (lib/http/server-marker.ts), so no
// client can forge it, here or where Portico runs without this server;
// forwarding headers are dropped unless TRUST_PROXY says a proxy in front sets them. And it hands the
// machine-facing protocol endpoints (token, UserInfo, introspection...) to the handler that
// instrumentation.ts registered (lib/http/fast-path.ts), which skips Next's per-request cost.
import crypto from "node:crypto";
import http from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
const trustProxy = ["1", "true"].includes(process.env.TRUST_PROXY ?? "");
const dev = process.env.NODE_ENV === "development";
const fastPathKey = Symbol.for("portico.fastPath");
// Shared with the app through globalThis (same process), never through the environment or a response.
const marker = crypto.randomBytes(32).toString("base64url");
globalThis[Symbol.for("portico.serverMarker")] = marker;

const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

http
  .createServer((req, res) => {
    req.headers["x-portico-client-ip"] = req.socket.remoteAddress ?? "";
    req.headers["x-portico-server-marker"] = marker;
    if (!trustProxy) {
      delete req.headers["x-forwarded-for"];
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
      delete req.headers["x-real-ip"];
    }
    // Not in development: Next reloads changed code, a handler captured at start would not be.
    const fastPath = dev ? undefined : globalThis[fastPathKey];
    if (fastPath?.(req, res)) return;
    handle(req, res);
  })
  .listen(port, hostname, () => {
    console.log(`[portico] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
  });
