// Liveness (the process answers) and readiness (the database answers within a deadline).
import "server-only";
import { pingDatabase } from "./health.repo";

/** Start-up: open (and migrate) the database, letting the real error through. */
export async function ensureDatabase(): Promise<void> {
  await pingDatabase();
}

export async function checkReadiness(timeoutMs = 2000): Promise<{ ready: boolean; database: "up" | "down"; latencyMs: number }> {
  const started = performance.now();
  try {
    await Promise.race([
      pingDatabase(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("database timeout")), timeoutMs).unref()),
    ]);
    return { ready: true, database: "up", latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { ready: false, database: "down", latencyMs: Math.round(performance.now() - started) };
  }
}
