// Reading a V8 CPU profile (node --cpu-prof) and telling where the time went inside given windows.
// Sample timestamps are CLOCK_MONOTONIC µs, the clock of process.hrtime() in the benchmark process,
// so a window recorded there selects exactly the samples taken while that load ran.
import fs from "node:fs";
import { SourceMap } from "node:module";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled ms in the window (busy + idle). */
  totalMs: number;
  idleMs: number;
  /** Self time by where the code lives (package, Node core, GC...), busy time only, descending. */
  byArea: [string, number][];
  /** Self time by function, descending. */
  bySelf: [string, number][];
  /** Inclusive time by function (each function counted once per sample), descending. Synchronous
   *  stacks only: an async function's own frame is not on the stack of what it awaits. */
  byInclusive: [string, number][];
  /** Busy time by owner: the nearest frame on the stack that is not Node core or a V8 builtin (so a
   *  socket write issued by the pg driver counts for the pg driver), grouped coarsely. */
  byOwner: [string, number][];
}

/** Coarse owners for the report. */
export function ownerOf(area: string): string {
  if (area.startsWith("wasm://") || area === "@prisma/client (query compiler)") return "Prisma query compiler (WASM)";
  if (area === "@prisma/client" || area === "@prisma/debug") return "Prisma client runtime";
  if (["pg", "pg-pool", "pg-protocol", "pg-types", "pg-connection-string", "@prisma/adapter-pg", "@prisma/driver-adapter-utils"].includes(area)) return "pg driver + Prisma adapter";
  if (area === "@electric-sql/pglite" || area === "pglite-prisma-adapter") return "PGlite (database in process) + adapter";
  if (area === "jose" || area === "next-auth") return "jose / next-auth (JWS, session JWE)";
  if (/react/.test(area)) return "React (server rendering)";
  // app-page-turbo.runtime.prod.js (next (bundled next-server)) embeds React's server renderer too.
  if (area.startsWith("next")) return "Next.js (routing, proxy adapter, app runtime)";
  if (area.startsWith("portico ") || /proxy\.ts$/.test(area)) return "Portico code (lib/, app/, proxy.ts)";
  if (area === "(garbage collector)") return "garbage collector";
  if (area === "Node.js core" || area === "V8 builtins / native" || area === "(program)") return "Node core / V8 (no library on the stack)";
  return area;
}

/** Where code lives, by file path: a package, Node core, or Portico's own lib/<domain> and app/. */
function areaOfPath(file: string): string {
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = decodeURIComponent(file.slice(nm + "node_modules/".length)).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (pkg === "next" && rest[1] === "dist") {
      if (rest[2] === "compiled") return `next (bundled ${rest[3]?.replace(/\.js$/, "")})`;
      return `next ${rest[2]?.replace(/\.js$/, "")}`;
    }
    if (pkg === "@prisma/client" && /query_compiler/.test(file)) return "@prisma/client (query compiler)";
    return pkg;
  }
  const own = /(?:^|\/)((?:lib|app|components)\/[^/]+)/.exec(file)?.[1];
  if (own) return `portico ${own}`;
  return file;
}

interface Resolved {
  area: string;
  label: string;
}

/**
 * Maps frames to their source: Next's server chunks are minified, but ship source maps (.js.map next
 * to each chunk), which node:module's SourceMap reads. The function name comes from the original
 * source line when the minified one is meaningless.
 */
export class FrameResolver {
  private maps = new Map<string, SourceMap | null>();
  private cache = new Map<string, Resolved>();

  private mapFor(file: string): SourceMap | null {
    if (!this.maps.has(file)) {
      let map: SourceMap | null = null;
      try {
        if (fs.existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, "utf8")));
      } catch {
        map = null;
      }
      this.maps.set(file, map);
    }
    return this.maps.get(file)!;
  }

  resolve(frame: CallFrame): Resolved {
    const key = `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
    let r = this.cache.get(key);
    if (!r) {
      r = this.compute(frame);
      this.cache.set(key, r);
    }
    return r;
  }

  private compute(frame: CallFrame): Resolved {
    const { url, functionName } = frame;
    const name = functionName || "(anonymous)";
    if (!url) return { area: functionName.startsWith("(") ? functionName : "V8 builtins / native", label: name };
    if (url.startsWith("node:")) return { area: "Node.js core", label: `${name} ${url}:${frame.lineNumber + 1}` };
    const file = url.replace(/^file:\/\//, "");
    const map = file.includes("/.next/") ? this.mapFor(file) : null;
    if (map) {
      const e = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; name?: string };
      if (e?.originalSource) {
        const source = e.originalSource.replace(/^.*?(?=node_modules\/|lib\/|app\/|components\/)/, "");
        const original = this.originalName(map, e.originalSource, e.originalLine ?? 0);
        const shown = original ?? (name.length > 2 ? name : "(anonymous)");
        return { area: areaOfPath(source), label: `${shown} ${source}:${(e.originalLine ?? 0) + 1}` };
      }
    }
    const short = file.replace(/^.*\/node_modules\//, "").replace(/^.*\/\.next\/server\//, ".next/server/");
    return { area: areaOfPath(file), label: `${name} ${short}:${frame.lineNumber + 1}` };
  }

  private originalName(map: SourceMap, source: string, line: number): string | null {
    const payload = map.payload as { sources: string[]; sourcesContent?: (string | null)[] };
    const i = payload.sources.indexOf(source);
    const text = i >= 0 ? payload.sourcesContent?.[i] : null;
    const src = text?.split("\n")[line];
    if (!src) return null;
    const m =
      /(?:async\s+)?function\s*\*?\s*([A-Za-z0-9_$]+)/.exec(src) ??
      /(?:const|let|var)\s+([A-Za-z0-9_$]+)\s*=\s*(?:async\s*)?(?:\(|[A-Za-z0-9_$]+\s*=>|function)/.exec(src) ??
      /^\s*(?:(?:public|private|protected|static|async|get|set|override)\s+)*\*?([A-Za-z0-9_$#]+)\s*\(/.exec(src) ??
      /([A-Za-z0-9_$]+)\s*[:=]\s*(?:async\s*)?\(/.exec(src);
    return m?.[1] ?? null;
  }
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
}

export function summarize(profile: CpuProfile, windowUs: [number, number], resolver = new FrameResolver()): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const area = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const owner = new Map<string, number>();
  const generic = new Set(["Node.js core", "V8 builtins / native", "(program)"]);
  let totalMs = 0;
  let idleMs = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < windowUs[0] || t > windowUs[1]) continue;
    // A sample stands for the time until the next one (capped: a stalled sampler is not CPU time).
    const ms = Math.min(profile.timeDeltas[i + 1] ?? 0, 10_000) / 1000;
    const node = byId.get(profile.samples[i]!)!;
    totalMs += ms;
    if (node.callFrame.functionName === "(idle)") {
      idleMs += ms;
      continue;
    }
    const here = resolver.resolve(node.callFrame);
    add(area, here.area, ms);
    add(self, here.label, ms);
    const seen = new Set<string>();
    let owned: string | null = null;
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (f.functionName === "(root)") break;
      const r = resolver.resolve(f);
      if (owned === null && !generic.has(r.area)) owned = ownerOf(r.area);
      if (!seen.has(r.label)) {
        seen.add(r.label);
        add(inclusive, r.label, ms);
      }
    }
    add(owner, owned ?? ownerOf(here.area), ms);
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, idleMs, byArea: sorted(area), bySelf: sorted(self), byInclusive: sorted(inclusive), byOwner: sorted(owner) };
}
