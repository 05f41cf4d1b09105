// The console's downloads of user jobs and the upload, as framework-free functions: the console's
// bar and the permission from the session, problem details (RFC 9457) for anyone else, the file
// as an attachment for an administrator. What each job holds is tested in lib/user-import.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createSession } from "@/lib/sessions";
import { runDueUserJobs, startExport, startImport } from "@/lib/user-import";
import { nextAuthSecret, sessionCookieName } from "../session-cookie";
import type { EndpointRequest } from "./result";
import { exportDownloadGET, importReportGET } from "./user-jobs";
import { POST as upload } from "./user-import-upload";

const t = useTestDatabase();

/** A signed-in administrator with `role`: a confirmed authenticator app and a two-factor session, as the console requires. */
async function consoleUser(role: string | null) {
  const u = await t.db().user.create({ data: { email: `jobs-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  if (role) await t.db().userRole.create({ data: { userId: u.id, role } });
  await t.db().mfaFactor.create({ data: { userId: u.id, type: "totp", label: "App", confirmedAt: new Date() } });
  const session = await createSession(u.id, {}, undefined, { amr: ["pwd", "otp", "mfa"] });
  const value = await encode({ token: { sub: u.id, sid: session.token }, secret: nextAuthSecret(), maxAge: 3600 });
  return { actor: { id: u.id, roles: role ? [role] : [] }, cookie: `${sessionCookieName()}=${encodeURIComponent(value)}` };
}

const get = (url: string, cookie?: string): EndpointRequest => ({ method: "GET", url, headers: new Headers(cookie ? { cookie } : {}), text: async () => "" });

describe("user job downloads", () => {
  it("give an administrator the rejected rows and the export as attachments", async () => {
    const admin = await consoleUser("admin");
    const { id: importId } = await startImport(admin.actor, { filename: "one.csv", bytes: new TextEncoder().encode("email\nnot-an-email\n"), options: { format: "auto", onConflict: "skip" } }, {});
    const { id: exportId } = await startExport(admin.actor, { format: "csv" }, {});
    const early = await exportDownloadGET(get(`/admin/users/export/download?id=${exportId}`, admin.cookie));
    expect(early.status).toBe(409);
    expect(early.headers["Content-Type"]).toBe("application/problem+json");
    await runDueUserJobs();

    const report = await importReportGET(get(`/admin/users/import/report?id=${importId}`, admin.cookie));
    expect(report.status).toBe(200);
    expect(report.headers["Content-Disposition"]).toBe('attachment; filename="rejected-one.csv"');
    expect(report.body).toMatch(/^row,email,reason\r\n2,not-an-email,/);
    const file = await exportDownloadGET(get(`/admin/users/export/download?id=${exportId}`, admin.cookie));
    expect(file.status).toBe(200);
    expect(file.headers["Content-Type"]).toBe("text/csv; charset=utf-8");
    expect(file.body).toContain(admin.actor.id);
    const unknown = await importReportGET(get(`/admin/users/import/report?id=${crypto.randomUUID()}`, admin.cookie));
    expect(unknown.status).toBe(404);
    // Started by another site (Sec-Fetch-Site): refused, whatever the session.
    const crossSite: EndpointRequest = { ...get(`/admin/users/export/download?id=${exportId}`), headers: new Headers({ cookie: admin.cookie, "sec-fetch-site": "cross-site" }) };
    const refused = await exportDownloadGET(crossSite);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body!)).toMatchObject({ status: 403, detail: expect.stringMatching(/from the console/) });
  });

  it("answer problem details to the help desk, the auditor and a customer, and send the signed-out to sign in", async () => {
    const admin = await consoleUser("admin");
    const { id } = await startExport(admin.actor, { format: "jsonl" }, {});
    await runDueUserJobs();
    for (const role of ["help_desk", "auditor", null]) {
      const { cookie } = await consoleUser(role);
      for (const res of [await exportDownloadGET(get(`/admin/users/export/download?id=${id}`, cookie)), await importReportGET(get(`/admin/users/import/report?id=${id}`, cookie))]) {
        expect(res.status, String(role)).toBe(403);
        expect(res.headers["Content-Type"]).toBe("application/problem+json");
        expect(JSON.parse(res.body!)).toMatchObject({ type: "about:blank", status: 403, title: "Forbidden" });
      }
    }
    const signedOut = await exportDownloadGET(get(`/admin/users/export/download?id=${id}`));
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.Location).toBe(`/login?next=${encodeURIComponent(`/admin/users/export/download?id=${id}`)}`);
  });
});

describe("POST /admin/users/import/upload", () => {
  function form(cookie: string, origin: string | null, file: Blob, name = "users.csv") {
    const body = new FormData();
    body.set("file", file, name);
    body.set("format", "auto");
    body.set("onConflict", "skip");
    const headers = new Headers({ cookie, host: "localhost:3000" });
    if (origin) headers.set("origin", origin);
    return new Request("http://localhost:3000/admin/users/import/upload", { method: "POST", headers, body });
  }

  it("queues the import and goes back to the page; refuses another origin, a help desk and a file over the limit", async () => {
    const admin = await consoleUser("admin");
    const ok = await upload(form(admin.cookie, "http://localhost:3000", new Blob(["email\nupload-one@example.com\n"])));
    expect(ok.status).toBe(303);
    const location = ok.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/users\/import\?started=[0-9a-f-]{36}$/);
    expect(await t.db().userImport.findUnique({ where: { id: location.split("=")[1]! } })).toMatchObject({ filename: "users.csv", totalRows: 1 });

    expect((await upload(form(admin.cookie, "https://evil.example", new Blob(["email\nx@example.com\n"])))).status).toBe(403);
    expect((await upload(form(admin.cookie, null, new Blob(["email\nx@example.com\n"])))).status).toBe(403);
    const helpDesk = await consoleUser("help_desk");
    expect((await upload(form(helpDesk.cookie, "http://localhost:3000", new Blob(["email\nx@example.com\n"])))).status).toBe(403);
    const big = await upload(form(admin.cookie, "http://localhost:3000", new Blob([new Uint8Array(51 * 1024 * 1024)])));
    expect(big.status).toBe(413);
    expect(await big.text()).toMatch(/larger than the limit of 50 MB/);
  });
});
