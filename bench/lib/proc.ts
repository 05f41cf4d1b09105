// CPU accounting from /proc (Linux only). utime+stime of a process covers all of its threads,
// so the libuv thread pool where @node-rs/argon2 runs is included in the server's figure.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime+stime of one process in ms, or 0 if it is gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Field 2 (comm) may contain spaces and parentheses: split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After comm, fields start at 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const list = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    } catch {
      // thread ended meanwhile
    }
  }
  return out;
}

/** CPU ms of a process and its live descendants (a Next custom server should have none, but if a
 *  version starts worker processes their work still belongs to the sign-in). */
export function treeCpuMs(pid: number): number {
  let total = processCpuMs(pid);
  for (const child of childrenOf(pid)) total += treeCpuMs(child);
  return total;
}

export function machineInfo(): { cpu: string; cores: number; ramGiB: number; node: string; kernel: string } {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  return {
    cpu: model,
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}
