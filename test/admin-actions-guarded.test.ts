// Every server action of the console goes through the administrator's wrapper (lib/http/actions.ts
// adminAction, or administrator() for a button without form state; both call guards.ts
// adminActionActor: strong second factor, two-factor session, sign-in from the last 15 minutes, and
// the permission) before it does anything: a page guard alone does not protect an action, which any
// form can post to.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ADMIN_DIR = path.resolve(__dirname, "../app/(admin)/admin");

function actionFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? actionFiles(p) : e.name === "actions.ts" ? [p] : [];
  });
}

/** Each exported action's source, by name: `export async function x` or `export const x = …`. */
function exportedActions(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts = [...source.matchAll(/^export (?:async function|const) (\w+)/gm)];
  starts.forEach((m, i) => out.set(m[1]!, source.slice(m.index, starts[i + 1]?.index ?? source.length)));
  return out;
}

describe("console server actions", () => {
  const files = actionFiles(ADMIN_DIR);

  it("exist (keys, applications, risk)", () => {
    expect(files.map((f) => path.relative(ADMIN_DIR, f)).sort()).toEqual(expect.arrayContaining(["applications/actions.ts", "keys/actions.ts", "risk/actions.ts"]));
  });

  it.each(files.map((f) => [path.relative(ADMIN_DIR, f), f]))("%s: every action goes through the administrator's wrapper", (_name, file) => {
    const source = fs.readFileSync(file, "utf8");
    expect(source).toMatch(/import \{[^}]*\b(adminAction|administrator)\b[^}]*\} from "@\/lib\/http"/);
    expect(source).not.toMatch(/\brequireAdmin\(|\bcurrentSession\(|\brequireSession\(/);
    const actions = exportedActions(source);
    expect(actions.size).toBeGreaterThan(0);
    for (const [name, body] of actions) {
      const wrapped = /^export const \w+ = adminAction\(/.test(body);
      const guarded = /^export async function/.test(body) && /\bawait administrator\(/.test(body);
      expect(wrapped || guarded, name).toBe(true);
    }
  });
});
