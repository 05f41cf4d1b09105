// The download as a framework-free function: the session from the Cookie header, the archive as a
// JSON attachment that no cache keeps, and every refused link a short page with its status, never
// a 500. Who may download what is tested in lib/privacy/privacy.test.ts.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createSession } from "@/lib/sessions";
import { latestDataExport, requestDataExport, runDueDataExports } from "@/lib/privacy";
import { nextAuthSecret, sessionCookieName } from "../session-cookie";
import type { EndpointRequest } from "./result";
import * as download from "./data-export";

const t = useTestDatabase();

async function signedIn() {
  const u = await t.db().user.create({ data: { email: `download-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  const session = await createSession(u.id, {});
  const value = await encode({ token: { sub: u.id, sid: session.token }, secret: nextAuthSecret(), maxAge: 3600 });
  return { user: { id: u.id, email: u.email, roles: [] as string[] }, cookie: `${sessionCookieName()}=${encodeURIComponent(value)}` };
}

function get(pathAndQuery: string, cookie?: string): EndpointRequest {
  return { method: "GET", url: pathAndQuery, headers: new Headers(cookie ? { cookie } : {}), text: async () => "" };
}

async function readyLink(user: { id: string; roles: string[] }): Promise<string> {
  await requestDataExport(user, user.id, {});
  await runDueDataExports();
  return (await latestDataExport(user, user.id))!.downloadPath!;
}

describe("GET /account/data/download", () => {
  it("answers the owner's archive as a JSON attachment, never cached", async () => {
    const { user, cookie } = await signedIn();
    const res = await download.GET(get(await readyLink(user), cookie));
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["Content-Disposition"]).toMatch(/^attachment; filename="portico-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers["Cache-Control"]).toBe("no-store");
    expect(JSON.parse(res.body!)).toMatchObject({ format: "portico-export/1", account: { id: user.id, email: user.email } });
  });

  it("signed out: to the sign-in page, and back to the same link", async () => {
    const { user } = await signedIn();
    const link = await readyLink(user);
    const res = await download.GET(get(link));
    expect(res.status).toBe(303);
    expect(res.headers.Location).toBe(`/login?next=${encodeURIComponent(link)}`);
  });

  it("someone else's, unknown, malformed or expired links get a page saying so, with 403, 404 or 410", async () => {
    const owner = await signedIn();
    const other = await signedIn();
    const link = await readyLink(owner.user);
    const expectPage = async (url: string, cookie: string, status: number, says: RegExp) => {
      const res = await download.GET(get(url, cookie));
      expect(res.status, url).toBe(status);
      expect(res.headers["Content-Type"]).toBe("text/html; charset=utf-8");
      expect(res.body).toMatch(says);
      expect(res.body).not.toContain('"format"');
    };
    await expectPage(link, other.cookie, 403, /for another account/);
    for (const bad of ["/account/data/download", "/account/data/download?export=%00&token=%00", `/account/data/download?export=${crypto.randomUUID()}&token=${"A".repeat(43)}`, `${link}x`]) {
      await expectPage(bad, owner.cookie, 404, /not valid/);
    }
    const exportId = new URL(link, "http://x").searchParams.get("export")!;
    await t.db().dataExport.update({ where: { id: exportId }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expectPage(link, owner.cookie, 410, /expired/);
  });
});
