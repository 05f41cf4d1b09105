// Every route handler answers every HTTP method on purpose (RFC 9110 §15.5.6, §9.3.7): the methods it
// serves are exported handlers, and the rest come from otherMethods([...served]) (lib/http/endpoints/
// methods.ts), which answers a 405 with Allow and an OPTIONS that lists only what is served. Next
// alone would answer a bare 405 without Allow, and an OPTIONS naming whatever the file exports.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP_DIR = path.resolve(__dirname, "../app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

/** The methods a route file exports as handlers of its own, and the ones it hands to otherMethods. */
function methodsOf(source: string) {
  const served = new Set<string>();
  for (const m of source.matchAll(/^export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/gm)) served.add(m[1]!);
  for (const m of source.matchAll(/\w+ as (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)) served.add(m[1]!);
  const other = /^export const \{ ([A-Z, ]+) \} = (?:consentApi\.)?otherMethods\(\[([^\]]*)\]\);$/m.exec(source);
  return {
    served,
    refused: new Set(other ? other[1]!.split(", ") : []),
    declared: other ? new Set([...other[2]!.matchAll(/"(\w+)"/g)].map((m) => m[1]!)) : null,
  };
}

describe("route handlers", () => {
  const files = routeFiles(APP_DIR);

  it("are found", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [path.relative(APP_DIR, f), f]))("%s answers every method: its own handlers, otherMethods for the rest", (_name, file) => {
    const { served, refused, declared } = methodsOf(fs.readFileSync(file, "utf8"));
    expect(served.size).toBeGreaterThan(0);
    // Next derives HEAD from GET, and a route serving every method but OPTIONS gets Next's OPTIONS.
    const derived = new Set([...(served.has("GET") ? ["HEAD"] : [])]);
    const everyServed = ["GET", "POST", "PUT", "PATCH", "DELETE"].every((m) => served.has(m));
    if (everyServed) return;
    expect(declared, "otherMethods must name exactly the served methods").toEqual(served);
    for (const m of served) expect(refused.has(m), `${m} is both served and refused`).toBe(false);
    expect(new Set([...served, ...refused, ...derived])).toEqual(new Set(METHODS));
  });
});
