// Runs once when a server process starts: migrate the database (getDb does it on first use), create the
// bootstrap administrator if configured, and start the mail worker.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onServerStart } = await import("./lib/startup");
  await onServerStart();
}
