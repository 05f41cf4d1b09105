// The consent API end to end below HTTP: real access tokens from the authorization code flow, the
// scopes each operation needs, receipts that verify against the JWKS, every refusal an RFC 7807
// problem (with the RFC 6750 challenge for token faults), never a 500; and the OpenAPI document
// describes exactly the routes app/api/consent/v1 serves.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalJWKSet, jwtVerify } from "jose";
import { useTestDatabase } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { createPurpose, consentDecisionsOf, receiptsOf } from "@/lib/consents";
import { ensureSigningKeys, publicJwks } from "@/lib/keys";
import { authorize, grantConsent, handleTokenRequest } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { createSession, validateSession } from "@/lib/sessions";
import { listAuditEvents } from "@/lib/audit";
import { createTopic, getPreferences } from "@/lib/preferences";
import { consents, openapi, otherMethods, preferences, problems, purposes, receipts } from "./index";
import { PROBLEM_TYPES } from "./problem";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const VERIFIER = "w".repeat(43);
const BASE = "http://localhost/api/consent/v1";
let app: ApplicationDto;

beforeAll(async () => {
  await ensureSigningKeys();
  app = (await createApplication(admin, { name: "Newsletter App", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: false }, {})).application;
  await createPurpose(admin, { key: "marketing-emails", name: "Marketing emails", legalBasis: "consent", dataCategories: "email", retention: "Until withdrawn", offerAtRegistration: true, text: "Send me offers." });
  await createTopic(admin, { key: "newsletter", label: "Newsletter", description: "Monthly news", marketing: true, channels: ["email", "sms"], defaultOn: [] });
  await createPurpose(admin, { key: "invoices", name: "Invoices", legalBasis: "contract", dataCategories: "address", retention: "10 years", text: "Bill my orders." });
});

/** A new customer and an access token for them with `scope`, through authorize + token. */
async function userWithToken(scope: string) {
  const user = await t.db().user.create({ data: { email: `api-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  const s = (await validateSession((await createSession(user.id, {})).token))!;
  await grantConsent(user.id, app.clientId, scope.split(" "), {});
  const outcome = await authorize(
    { params: { client_id: app.clientId, redirect_uri: REDIRECT, response_type: "code", scope, state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`no code: ${JSON.stringify(outcome)}`);
  const tokens = await handleTokenRequest(app, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  return { userId: user.id, token: tokens.access_token };
}

function req(method: string, p: string, token?: string, body?: string, type = "application/json") {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = type;
  return new Request(`${BASE}${p}`, { method, headers, body });
}

function expectProblem(res: { status: number; headers: Record<string, string>; body: string | null }, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toBe("application/problem+json");
  const body = JSON.parse(res.body!) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.stringMatching(new RegExp(`/api/consent/v1/problems/${type}$`)), title: expect.any(String), detail: expect.any(String) });
  return body;
}

describe("consent API", () => {
  it("lists purposes, records a consent with the application as collector, reads it, withdraws it; receipts verify", async () => {
    const { userId, token } = await userWithToken("openid consent:read consent:write");
    const list = await purposes.GET(req("GET", "/purposes", token));
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body!).purposes).toEqual([
      expect.objectContaining({ key: "marketing-emails", legal_basis: "consent", consent_based: true, offered_at_registration: true, current_version: expect.objectContaining({ version: 1, text: "Send me offers." }) }),
      expect.objectContaining({ key: "invoices", consent_based: false, offered_at_registration: false }),
    ]);

    const given = await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "marketing-emails", version: 1 })));
    expect(given.status).toBe(201);
    const out = JSON.parse(given.body!);
    expect(out.consent).toMatchObject({ purpose: "marketing-emails", status: "given", version: 1, collection_method: "application", collector_client_id: app.clientId });
    const jwks = createLocalJWKSet(await publicJwks());
    const { payload } = await jwtVerify(out.receipt.jws, jwks);
    expect(payload).toMatchObject({ consentReceiptID: out.receipt.id, piiPrincipalId: userId, collectionMethod: expect.stringContaining("Newsletter App"), services: [{ service: "Newsletter App" }] });
    // Again: already so, nothing new signed.
    const again = await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "marketing-emails" })));
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body!).receipt).toBeNull();

    expect(JSON.parse((await consents.GET(req("GET", "/consents", token))).body!).consents).toEqual([expect.objectContaining({ purpose: "marketing-emails", status: "given" })]);

    const withdrawn = await consents.DELETE(req("DELETE", "/consents/marketing-emails", token));
    expect(withdrawn.status).toBe(200);
    expect(JSON.parse(withdrawn.body!).consent.status).toBe("withdrawn");
    expect((await consentDecisionsOf(userId))[0]?.status).toBe("withdrawn");

    const all = JSON.parse((await receipts.GET(req("GET", "/receipts", token))).body!).receipts as { id: string; action: string; jws: string }[];
    expect(all.map((r) => r.action)).toEqual(["withdrawn", "given"]);
    const one = await receipts.GET_ONE(req("GET", `/receipts/${all[0]!.id}`, token));
    expect(JSON.parse(one.body!)).toMatchObject({ id: all[0]!.id, action: "withdrawn", receipt: { portico: { action: "withdrawn" } } });
    await expect(jwtVerify(all[0]!.jws, jwks)).resolves.toBeDefined();
  });

  it("refuses unknown purposes, bad bodies and non-consent purposes as problems, changing nothing", async () => {
    const { userId, token } = await userWithToken("consent:read consent:write");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "no-such-purpose" }))), 422, "unknown-purpose");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "marketing-emails", version: 7 }))), 422, "unknown-version");
    expectProblem(await consents.POST(req("POST", "/consents", token, "{not json")), 400, "malformed-request");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: 42 }))), 400, "malformed-request");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "marketing-emails", extra: 1 }))), 400, "malformed-request");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify([1, 2]))), 400, "malformed-request");
    expectProblem(await consents.POST(req("POST", "/consents", token, "purpose=marketing-emails", "application/x-www-form-urlencoded")), 415, "unsupported-media-type");
    expectProblem(await consents.POST(req("POST", "/consents", token, JSON.stringify({ purpose: "invoices" }))), 409, "not-consent-based");
    expectProblem(await consents.DELETE(req("DELETE", "/consents/no-such-purpose", token)), 404, "purpose-not-found");
    expectProblem(await consents.DELETE(req("DELETE", "/consents/%E0%A4%A", token)), 400, "malformed-request");
    expectProblem(await receipts.GET_ONE(req("GET", `/receipts/${crypto.randomUUID()}`, token)), 404, "receipt-not-found");
    expectProblem(await receipts.GET_ONE(req("GET", "/receipts/%00", token)), 404, "receipt-not-found");
    expect(await receiptsOf(userId)).toEqual([]);
    expect(await consentDecisionsOf(userId)).toEqual([]);
  });

  it("needs a bearer token with the operation's scope: 401/403 problems with the RFC 6750 challenge", async () => {
    const noToken = await consents.GET(req("GET", "/consents"));
    expectProblem(noToken, 401, "unauthorized");
    expect(noToken.headers["WWW-Authenticate"]).toBe('Bearer realm="portico"');
    const bad = await consents.GET(req("GET", "/consents", "not-a-token"));
    expectProblem(bad, 401, "invalid-token");
    expect(bad.headers["WWW-Authenticate"]).toMatch(/^Bearer realm="portico", error="invalid_token"/);

    const { userId, token: readOnly } = await userWithToken("openid consent:read");
    const refused = await consents.POST(req("POST", "/consents", readOnly, JSON.stringify({ purpose: "marketing-emails" })));
    expectProblem(refused, 403, "insufficient-scope");
    expect(refused.headers["WWW-Authenticate"]).toMatch(/error="insufficient_scope".*scope="consent:write"/);
    expect(await receiptsOf(userId)).toEqual([]);
    const { token: profileOnly } = await userWithToken("openid email");
    expectProblem(await purposes.GET(req("GET", "/purposes", profileOnly)), 403, "insufficient-scope");
  });

  it("reads and changes the user's communication preferences; the portal's read sees the change", async () => {
    const { userId, token } = await userWithToken("openid consent:read consent:write");
    const before = JSON.parse((await preferences.GET(req("GET", "/preferences", token))).body!);
    expect(before.preferences).toEqual([
      { topic: "newsletter", label: "Newsletter", description: "Monthly news", marketing: true, channels: [
        { channel: "email", opted_in: false, chosen: false, updated_at: null },
        { channel: "sms", opted_in: false, chosen: false, updated_at: null },
      ] },
    ]);
    const res = await preferences.PATCH(req("PATCH", "/preferences", token, JSON.stringify({ changes: [{ topic: "newsletter", channel: "email", opted_in: true }] })));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body!).changed).toEqual([{ topic: "newsletter", channel: "email", opted_in: true }]);
    const owner = { id: userId, roles: [] };
    expect((await getPreferences(owner, userId))[0]!.channels.find((c) => c.channel === "email")).toMatchObject({ optedIn: true, chosen: true });
    const [audit] = await listAuditEvents({ targetId: userId, action: "user.preferences_updated" });
    expect(audit!.details).toMatchObject({ clientId: app.clientId, changes: [{ topic: "newsletter", channel: "email", optedIn: true }] });
  });

  it("refuses unknown topics and channels and bad bodies as problems, changing nothing; writing needs consent:write", async () => {
    const { userId, token } = await userWithToken("consent:read consent:write");
    const patch = (body: unknown) => preferences.PATCH(req("PATCH", "/preferences", token, JSON.stringify(body)));
    expectProblem(await patch({ changes: [{ topic: "newsletter", channel: "email", opted_in: true }, { topic: "no-such-topic", channel: "email", opted_in: true }] }), 422, "unknown-topic");
    expectProblem(await patch({ changes: [{ topic: "newsletter", channel: "fax", opted_in: true }] }), 422, "unknown-channel");
    expectProblem(await patch({ changes: [{ topic: "newsletter", channel: "push", opted_in: true }] }), 422, "channel-not-offered");
    expectProblem(await patch({ changes: [{ topic: "newsletter", channel: "email", optedIn: true }] }), 400, "malformed-request");
    expectProblem(await patch({ changes: [] }), 400, "malformed-request");
    expectProblem(await patch({ changes: [{ topic: "newsletter", channel: "email", opted_in: "yes" }] }), 400, "malformed-request");
    expect((await getPreferences({ id: userId, roles: [] }, userId))[0]!.channels.every((c) => !c.chosen)).toBe(true);
    const { token: readOnly } = await userWithToken("consent:read");
    expectProblem(await preferences.PATCH(req("PATCH", "/preferences", readOnly, JSON.stringify({ changes: [{ topic: "newsletter", channel: "email", opted_in: true }] }))), 403, "insufficient-scope");
  });

  it("documents every problem type at its type URI (RFC 9457 §3.1.1), and refuses an unknown one", async () => {
    for (const [type, { title, status }] of Object.entries(PROBLEM_TYPES)) {
      const res = await problems.GET_ONE(req("GET", `/problems/${type}`));
      expect(res.status).toBe(200);
      expect(res.headers["Content-Type"]).toBe("text/html; charset=utf-8");
      expect(res.body).toContain(`HTTP status ${status}`);
      expect(res.body).toContain(title.replace(/'/g, "&#39;"));
    }
    const all = await problems.GET_ALL();
    for (const type of Object.keys(PROBLEM_TYPES)) expect(all.body).toContain(`id="${type}"`);
    expectProblem(await problems.GET_ONE(req("GET", "/problems/no-such-type")), 404, "not-found");
    expectProblem(await problems.GET_ONE(req("GET", "/problems/%E0%A4%A")), 400, "malformed-request");
    // A problem the API answers with names a type whose URI resolves.
    const refusal = await purposes.GET(req("GET", "/purposes"));
    const type = (JSON.parse(refusal.body!) as { type: string }).type;
    expect((await problems.GET_ONE(req("GET", new URL(type).pathname.replace("/api/consent/v1", "")))).status).toBe(200);
  });

  it("answers a path it does not have, and a method a path does not serve, with a problem", async () => {
    expectProblem(await problems.NOT_FOUND(), 404, "not-found");
    const res = await otherMethods(["GET"]).PUT(new Request(`${BASE}/purposes`, { method: "PUT" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { type: string }).type).toMatch(/\/problems\/method-not-allowed$/);
  });

  it("describes every route it serves in OpenAPI 3.1, and nothing else", async () => {
    const res = openapi.GET();
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body!) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const root = path.resolve(__dirname, "../../../../app/api/consent/v1");
    const served: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === "route.ts") {
          const route = "/" + path.relative(root, dir).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
          for (const m of fs.readFileSync(p, "utf8").matchAll(/^export const (GET|POST|PUT|PATCH|DELETE) =/gm)) served.push(`${m[1]!.toLowerCase()} ${route}`);
        }
      }
    };
    walk(root);
    const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((k) => k !== "parameters").map((m) => `${m} ${p}`));
    expect(served.length).toBeGreaterThanOrEqual(6);
    expect(described.sort()).toEqual(served.sort());
    // Every operation names its responses; every secured one a consent scope.
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops) as { responses: object; security: { oauth2?: string[] }[] }[]) {
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      for (const s of op.security) expect(s.oauth2?.[0]).toMatch(/^consent:(read|write)$/);
    }
  });
});
