// Runs once when a server process starts: migrate the database (getDb does it on first use), create the
// bootstrap administrator if configured, start the poller (unless PORTICO_POLLER=0 or on Vercel), and hand server.mjs the protocol
// endpoints it serves without Next's routing (lib/http/fast-path.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onServerStart } = await import("./lib/startup");
  await onServerStart();
  const { registerProtocolFastPath } = await import("./lib/http/fast-path");
  registerProtocolFastPath();
}
