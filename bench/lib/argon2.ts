// The cost of one argon2id verification, measured in this process with the server's own library
// and parameters, to tell how much of a sign-in's CPU time is the password hash.
import fs from "node:fs";
import path from "node:path";
import { hash, verify } from "@node-rs/argon2";

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** Parameters read from lib/credentials/password-hash.ts (it imports "server-only", so it cannot be
 *  loaded here), so this stays in step if they change. */
export function serverArgon2Params(root: string): Argon2Params {
  const src = fs.readFileSync(path.join(root, "lib/credentials/password-hash.ts"), "utf8");
  const num = (name: string) => {
    const m = new RegExp(`${name}\\s*:\\s*([0-9_]+)`).exec(src);
    if (!m) throw new Error(`[bench] cannot find ${name} in lib/credentials/password-hash.ts`);
    return Number(m[1]!.replace(/_/g, ""));
  };
  return { memoryCost: num("memoryCost"), timeCost: num("timeCost"), parallelism: num("parallelism") };
}

/** Median wall time of `runs` sequential verifications (single-threaded with p=1, so ≈ CPU time). */
export async function medianVerifyMs(params: Argon2Params, password: string, runs = 30): Promise<{ medianMs: number; cpuMsEach: number }> {
  const stored = await hash(password.normalize("NFKC"), params);
  for (let i = 0; i < 3; i++) await verify(stored, password); // warm the allocator and thread pool
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    if (!(await verify(stored, password.normalize("NFKC")))) throw new Error("[bench] argon2 verify failed");
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, cpuMsEach: (cpu.user + cpu.system) / 1000 / runs };
}
