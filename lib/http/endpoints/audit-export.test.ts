// The audit export's route: the console bar and audit:export decided by the server, refusals as
// RFC 9457 problem details (401 signed out, 403 otherwise), and the download streamed with its name.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createSession } from "@/lib/sessions";
import { nextAuthSecret, sessionCookieName } from "../session-cookie";
import * as route from "./audit-export";

const t = useTestDatabase();

/** A signed-in person: with `roles`, and (console) a confirmed authenticator app and a two-factor session. */
async function signedIn(roles: string[], console = true): Promise<{ id: string; cookie: string }> {
  const u = await t.db().user.create({ data: { email: `export-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  for (const role of roles) await t.db().userRole.create({ data: { userId: u.id, role } });
  if (console) await t.db().mfaFactor.create({ data: { userId: u.id, type: "totp", label: "app", secretSealed: "sealed", confirmedAt: new Date() } });
  const session = await createSession(u.id, {}, undefined, { amr: console ? ["pwd", "otp", "mfa"] : ["pwd"] });
  const value = await encode({ token: { sub: u.id, sid: session.token }, secret: nextAuthSecret(), maxAge: 3600 });
  return { id: u.id, cookie: `${sessionCookieName()}=${encodeURIComponent(value)}` };
}

const get = (query: string, cookie?: string) => new Request(`http://localhost/admin/audit/export?${query}`, { headers: cookie ? { cookie } : {} });

async function expectProblem(res: Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const body = await res.json();
  expect(body).toMatchObject({ type: "about:blank", status });
  expect(body.detail).toMatch(detail);
  return body;
}

describe("GET /admin/audit/export", () => {
  it("refuses the signed out (401 with a challenge), customers, analysts without audit:export, and an auditor without a strong second factor (403)", async () => {
    const signedOut = await route.GET(get("format=csv"));
    await expectProblem(signedOut, 401, /Sign in/);
    expect(signedOut.headers.get("WWW-Authenticate")).toMatch(/^Cookie /);
    await expectProblem(await route.GET(get("format=csv", (await signedIn([], false)).cookie)), 403, /administrators/);
    await expectProblem(await route.GET(get("format=csv", (await signedIn(["security_analyst"])).cookie)), 403, /audit:export/);
    await expectProblem(await route.GET(get("format=csv", (await signedIn(["auditor"], false)).cookie)), 403, /passkey or an authenticator app/);
    expect(await t.db().auditEvent.count({ where: { action: "audit.exported" } })).toBe(0);
  });

  it("refuses an export another site started (Sec-Fetch-Site), before anything is read or audited", async () => {
    const { cookie } = await signedIn(["auditor"]);
    for (const site of ["cross-site", "same-site"]) {
      const request = new Request("http://localhost/admin/audit/export?format=csv", { headers: { cookie, "sec-fetch-site": site } });
      await expectProblem(await route.GET(request), 403, /from the console/);
    }
    expect(await t.db().auditEvent.count({ where: { action: "audit.exported" } })).toBe(0);
    const fromConsole = new Request("http://localhost/admin/audit/export?format=csv", { headers: { cookie, "sec-fetch-site": "same-origin" } });
    expect((await route.GET(fromConsole)).status).toBe(200);
  });

  it("answers a bad filter or format with 400 and the fields at fault", async () => {
    const { cookie } = await signedIn(["auditor"]);
    const body = await expectProblem(await route.GET(get("format=csv&from=tomorrow", cookie)), 400, /filter/);
    expect(body.errors).toHaveProperty("from");
    await expectProblem(await route.GET(get("format=xml", cookie)), 400, /jsonl or csv/);
  });

  it("streams an auditor's export as an attachment named after the range", async () => {
    const { id, cookie } = await signedIn(["auditor"]);
    const action = `route${crypto.randomBytes(3).toString("hex")}.event`;
    for (let i = 0; i < 3; i++) await t.db().auditEvent.create({ data: { createdAt: new Date(Date.UTC(2005, 5, 1, 12, i)), actorType: "user", action, result: "success" } });
    const res = await route.GET(get(`format=csv&action=${action}&from=2005-06-01T12:00&to=2005-06-01T13:00`, cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="portico-audit_20050601T1200Z_20050601T1300Z.csv"');
    expect(res.body).toBeInstanceOf(ReadableStream);
    const lines = (await res.text()).split("\r\n");
    expect(lines.filter((l) => l.includes(action))).toHaveLength(3);
    expect(await t.db().auditEvent.count({ where: { action: "audit.exported", actorId: id } })).toBe(1);
  });
});
