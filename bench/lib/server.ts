// Starts `node server.mjs` (the production custom server) as a child process with a controlled
// environment, waits for readiness, and stops it. The child's pid is the server itself, so its
// /proc CPU counters are the server's.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { onCleanup, trackPid, untrackPid } from "./cleanup";

export interface RunningServer {
  pid: number;
  origin: string;
  /** Lines the server wrote to stderr since start (errors it logged while we measured). */
  stderrLines: () => number;
  logTail: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// Settings a developer's shell might carry that would change what we measure.
const INHERITED_SETTINGS = /^(PORTICO_|LOGIN_|SESSION_|NEXTAUTH_|DATABASE_URL$|REDIS_URL$|SMTP_URL$|TRUST_PROXY$|HOST$|PORT$)/;

export interface StartOptions {
  root: string;
  env: Record<string, string>;
  label: string;
  /** Script to run, relative to root (default server.mjs, Portico's production server). */
  script?: string;
  /** Answers 200 once the server is ready (default /api/health). */
  healthPath?: string;
  /** Extra node flags before the script, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Grace period between SIGTERM and SIGKILL (default 5 s; a profile being written needs longer). */
  stopTimeoutMs?: number;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const script = opts.script ?? "server.mjs";
  const healthPath = opts.healthPath ?? "/api/health";
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED_SETTINGS.test(k))),
    // Loopback only: nobody else needs to reach a server whose admin password sits in our memory.
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    // The origin browsers will use. proxy.ts only accepts POSTs whose Origin is this or
    // request.nextUrl.origin, and NextURL rewrites 127.0.0.1 to "localhost" in the latter.
    PORTICO_URL: `http://127.0.0.1:${port}`,
    ...opts.env,
  };

  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), script], { cwd: opts.root, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  if (!child.pid) throw new Error(`[bench] could not start ${script} for ${opts.label}`);
  const pid = child.pid;
  trackPid(pid);

  const tail: string[] = [];
  let stderr = 0;
  const keep = (chunk: Buffer, isErr: boolean) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      if (isErr) stderr++;
      tail.push(`${isErr ? "err" : "out"}| ${line}`);
      if (tail.length > 60) tail.shift();
    }
  };
  child.stdout!.on("data", (c: Buffer) => keep(c, false));
  child.stderr!.on("data", (c: Buffer) => keep(c, true));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      untrackPid(pid);
      resolve();
    }),
  );

  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const killTimer = setTimeout(() => child.kill("SIGKILL"), opts.stopTimeoutMs ?? 5000);
    await exitedPromise;
    clearTimeout(killTimer);
  };
  const removeUndo = onCleanup(`stop server ${opts.label} (pid ${pid})`, stop);

  const origin = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    pid,
    origin,
    stderrLines: () => stderr,
    logTail: () => tail.join("\n"),
    stop: async () => {
      removeUndo();
      await stop();
    },
  };

  // Ready = GET /api/health (for Portico) answers 200 (the instrumentation hook has migrated the database and
  // created the bootstrap admin by then). A fresh database migrates first, hence the long deadline.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`[bench] server ${opts.label} exited during start:\n${server.logTail()}`);
    try {
      const res = await fetch(`${origin}${healthPath}`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`[bench] server ${opts.label} not healthy within 120 s:\n${server.logTail()}`);
}
