// Everything a benchmark creates (server processes, temp dirs, databases) registers an undo here,
// so a failure, Ctrl-C or SIGTERM still leaves the machine as it was.
import fs from "node:fs";

type Undo = { label: string; run: () => Promise<void> | void };
const undos: Undo[] = [];
// Synchronous fallbacks for process exit, where async work can no longer run.
const livePids = new Set<number>();
const liveDirs = new Set<string>();

export function onCleanup(label: string, run: () => Promise<void> | void): () => void {
  const undo = { label, run };
  undos.push(undo);
  return () => {
    const i = undos.indexOf(undo);
    if (i >= 0) undos.splice(i, 1);
  };
}

export function trackPid(pid: number): void {
  livePids.add(pid);
}
export function untrackPid(pid: number): void {
  livePids.delete(pid);
}

/** A temp directory removed at cleanup (and, as a last resort, at process exit). */
export function trackDir(dir: string): void {
  liveDirs.add(dir);
  onCleanup(`remove ${dir}`, () => {
    fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  });
}

/** Runs undos newest first (stop servers before removing their data); never throws. */
export async function runCleanups(): Promise<void> {
  while (undos.length) {
    const undo = undos.pop()!;
    try {
      await undo.run();
    } catch (e) {
      console.error(`[bench] cleanup "${undo.label}" failed:`, e);
    }
  }
}

let installed = false;
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n[bench] ${signal}: cleaning up…`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  process.on("exit", () => {
    for (const pid of livePids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    for (const dir of liveDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
}
