// The admin API's analytics end to end below HTTP: a real client_credentials token from Portico's
// token endpoint, the scope only an administrator can allow, RFC 6750 challenges and RFC 9457
// problems for every refusal, and the figures the rollup counted.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, rotateClientSecret, setApplicationAdminScopes, updateApplication, type ApplicationDto } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import { handleTokenRequest } from "@/lib/oidc";
import { listAuditEvents, recordAudit } from "@/lib/audit";
import { runAnalyticsRollup } from "@/lib/analytics";
import { GET } from "./admin-analytics";
import { otherMethods } from "./methods";

useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const appAdmin = { id: "00000000-0000-4000-8000-000000000002", roles: ["app_admin"] };
const BASE = "http://localhost/api/admin/v1/analytics";
let reporting: ApplicationDto;
let other: ApplicationDto;

const input = (name: string) => ({ name, type: "confidential", redirectUris: [], grantTypes: ["client_credentials"], allowedScopes: ["reports:read"] });

beforeAll(async () => {
  await ensureSigningKeys();
  reporting = (await createApplication(admin, input("Reporting"), {})).application;
  other = (await createApplication(admin, input("Other"), {})).application;
  reporting = await setApplicationAdminScopes(admin, reporting.id, ["portico:analytics"], {});
});

async function tokenFor(app: ApplicationDto, scope?: string): Promise<string> {
  return (await handleTokenRequest(app, { grant_type: "client_credentials", ...(scope ? { scope } : {}) }, {})).access_token;
}

function get(query = "", token?: string) {
  return GET(new Request(`${BASE}${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
}

function problemOf(res: { status: number; headers: Record<string, string>; body: string | null }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toBe("application/problem+json");
  const body = JSON.parse(res.body!) as Record<string, unknown>;
  expect(body).toMatchObject({ type: "about:blank", status, title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe("GET /api/admin/v1/analytics", () => {
  it("answers the figures to a client_credentials token carrying portico:analytics", async () => {
    await recordAudit({ actor: { type: "user", id: "0b9b7a4e-1a43-4f53-9a4c-5d2f4b3f0c11" }, action: "login.succeeded", target: { type: "user", id: "0b9b7a4e-1a43-4f53-9a4c-5d2f4b3f0c11" }, result: "success", details: { method: "passkey" } });
    await runAnalyticsRollup();
    const res = await get("?range=24h&tz=Europe/Berlin", await tokenFor(reporting, "portico:analytics"));
    expect(res.status).toBe(200);
    expect(res.headers["Cache-Control"]).toBe("no-store");
    const body = JSON.parse(res.body!);
    expect(body.range).toMatchObject({ tz: "Europe/Berlin", granularity: "hour", preset: "24h" });
    expect(body.buckets).toHaveLength(24);
    expect(body.signIns.succeeded.find((s: { name: string }) => s.name === "passkey").values.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(body.activeUsers.daily.at(-1).value).toBe(1);
  });

  it("401 without a token (the bare challenge) and with a token that is not ours", async () => {
    const none = await get();
    problemOf(none, 401);
    expect(none.headers["WWW-Authenticate"]).toBe('Bearer realm="portico"');
    const bad = await get("", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    expect(problemOf(bad, 401)).toMatchObject({ error: "invalid_token" });
    expect(bad.headers["WWW-Authenticate"]).toMatch(/^Bearer realm="portico", error="invalid_token"/);
  });

  it("403 insufficient_scope for a token without the scope, naming it in the challenge", async () => {
    const res = await get("", await tokenFor(other, "reports:read"));
    expect(problemOf(res, 403)).toMatchObject({ error: "insufficient_scope" });
    expect(res.headers["WWW-Authenticate"]).toMatch(/error="insufficient_scope".*scope="portico:analytics"/);
  });

  it("400 naming the parameter at fault", async () => {
    const token = await tokenFor(reporting);
    expect(problemOf(await get("?tz=Nowhere/Land", token), 400)).toMatchObject({ parameter: "tz" });
    expect(problemOf(await get("?from=2026-01-01&to=2026-12-01&granularity=hour", token), 400)).toMatchObject({ parameter: "granularity" });
    expect(problemOf(await get("?granularity=minute", token), 400)).toMatchObject({ parameter: "granularity" });
    expect(problemOf(await get("?from=2026-02-01&to=2026-01-01", token), 400)).toMatchObject({ parameter: "to" });
    expect(problemOf(await get("?tz=UTC&tz=Europe/Paris", token), 400)).toMatchObject({ parameter: "tz" });
    expect(problemOf(await get("?colour=red", token), 400)).toMatchObject({ parameter: "colour" });
  });

  it("405 problem for other methods, with Allow", async () => {
    const res = await otherMethods(["GET"]).POST(new Request(BASE, { method: "POST" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });
});

describe("who may give an application the admin API scope", () => {
  it("not the application's own settings, nor dynamic registration: the scope is refused in allowedScopes", async () => {
    await expect(updateApplication(admin, other.id, { ...input("Other"), allowedScopes: ["portico:analytics"] }, {})).rejects.toMatchObject({ fieldErrors: { allowedScopes: expect.stringMatching(/admin API/) } });
    await expect(handleTokenRequest(other, { grant_type: "client_credentials", scope: "portico:analytics" }, {})).rejects.toMatchObject({ error: "invalid_scope" });
  });

  it("an application administrator without analytics:read cannot allow it; an administrator can, audited, and withdrawing it stops live tokens", async () => {
    await expect(setApplicationAdminScopes(appAdmin, other.id, ["portico:analytics"], {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(setApplicationAdminScopes(admin, other.id, ["portico:everything"], {})).rejects.toMatchObject({ field: "adminScopes" });
    const allowed = await setApplicationAdminScopes(admin, other.id, ["portico:analytics"], {});
    const [event] = await listAuditEvents({ action: "application.admin_scopes_changed", targetId: other.id });
    expect(event).toMatchObject({ actorId: admin.id, details: { added: ["portico:analytics"], removed: [] } });
    const token = await tokenFor(allowed, "portico:analytics");
    expect((await get("", token)).status).toBe(200);
    await setApplicationAdminScopes(admin, other.id, [], {});
    expect(problemOf(await get("", token), 403)).toMatchObject({ error: "insufficient_scope" });
  });
});

describe("an application allowed the admin API is as strong as its scope", () => {
  it("an application administrator of another application, even with analytics:read, cannot allow it there", async () => {
    const elsewhere = { id: "00000000-0000-4000-8000-000000000003", roles: [`app_admin:${reporting.id}`, "auditor"] };
    await expect(setApplicationAdminScopes(elsewhere, other.id, ["portico:analytics"], {})).rejects.toMatchObject({ code: "forbidden" });
  });

  it("its own application administrator cannot rotate its secret or change its settings without analytics:read", async () => {
    const own = { id: "00000000-0000-4000-8000-000000000004", roles: [`app_admin:${reporting.id}`] };
    await expect(rotateClientSecret(own, reporting.id, {})).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateApplication(own, reporting.id, input("Reporting"), {})).rejects.toMatchObject({ code: "forbidden" });
    const analystToo = { ...own, roles: [...own.roles, "security_analyst"] };
    await expect(rotateClientSecret(analystToo, reporting.id, {})).resolves.toMatchObject({ clientSecret: expect.any(String) });
  });

  it("an admin API scope listed in allowedScopes (data written before the rule) opens nothing", async () => {
    const legacy = { ...other, allowedScopes: ["reports:read", "portico:analytics"], adminScopes: [] };
    await expect(handleTokenRequest(legacy, { grant_type: "client_credentials", scope: "portico:analytics" }, {})).rejects.toMatchObject({ error: "invalid_scope" });
  });
});
