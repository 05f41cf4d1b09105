// The authorization endpoint as browsers reach it (the handler server.mjs and the route file share):
// only top-level navigations resume an interaction or get a code; interactions are bound to the
// browser's cookie; the risk engine sees the application, at sign-in and for a signed-in browser.
import crypto from "node:crypto";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication } from "@/lib/applications";
import { hashPassword } from "@/lib/credentials";
import { ensureSigningKeys } from "@/lib/keys";
import { createRiskRule } from "@/lib/risk";
import { createSession } from "@/lib/sessions";
import { GET } from "./authorize";
import { nextAuthSecret, sessionCookieName } from "../session-cookie";
import { signInWithPassword } from "../sign-in-flow";

// Server actions read cookies through next/headers; outside a request, a plain jar stands in.
const jar = new Map<string, string>();
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
  headers: async () => new Headers(),
}));

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const REDIRECT = "https://app.example.com/callback";
const NAVIGATION = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", "sec-fetch-site": "cross-site" };
let clientId: string;
let otherClientId: string;

beforeAll(async () => {
  await ensureSigningKeys();
  const app = (await createApplication(admin, { name: "Shop", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
  const other = (await createApplication(admin, { name: "Blog", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
  clientId = app.clientId;
  otherClientId = other.clientId;
});

async function userWithSession(amr = ["pwd"]) {
  const user = await t.db().user.create({ data: { email: `ep-${crypto.randomBytes(4).toString("hex")}@example.com`, passwordHash: await hashPassword("correct horse battery staple"), emailVerifiedAt: new Date() } });
  const session = await createSession(user.id, {}, undefined, { amr });
  const value = await encode({ token: { sub: user.id, sid: session.token }, secret: nextAuthSecret(), maxAge: 3600 });
  return { user, cookie: `${sessionCookieName()}=${value}` };
}

const authorizeUrl = (extra: Record<string, string> = {}, client = clientId) =>
  `/oauth2/authorize?${new URLSearchParams({ client_id: client, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "s1", ...extra })}`;

function get(url: string, headers: Record<string, string> = {}) {
  return GET({ method: "GET", url, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null }, text: async () => "" });
}

/** The binding cookie pair (name=value) the endpoint set. */
function bindingOf(setCookie: string | undefined): string {
  expect(setCookie).toMatch(/HttpOnly; SameSite=Lax/);
  return setCookie!.split(";")[0]!;
}

const codesOf = async (userId: string) => t.db().oAuthGrant.count({ where: { userId } });

describe("only a top-level navigation resumes an interaction or is answered with a code", () => {
  const background: [string, Record<string, string>][] = [
    ["Next's RSC fetch after a redirect", { rsc: "1", "next-router-state-tree": "%5B%5D", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }],
    ["Next's render of an action's redirect (server-side fetch)", { rsc: "1" }],
    ["Next's router prefetch", { rsc: "1", "next-router-prefetch": "1" }],
    ["a script's fetch", { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }],
    ["an image or other subresource", { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" }],
    ["a speculative prerender", { ...NAVIGATION, "sec-purpose": "prefetch;prerender" }],
    ["a frame resuming an interaction", { "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" }],
  ];

  it("background requests are told to navigate, with no side effect; the navigation then gets the code", async () => {
    const { user, cookie } = await userWithSession();
    const started = await get(authorizeUrl(), NAVIGATION);
    expect(started.status).toBe(302);
    const next = new URL(started.headers.Location!, "http://x").searchParams.get("next")!;
    expect(next).toMatch(/^\/oauth2\/authorize\?interaction=[\w-]+$/);
    const cookies = `${cookie}; ${started.headers["Set-Cookie"]?.split(";")[0]}`;
    for (const [what, headers] of background) {
      const r = await get(next, { ...headers, cookie: cookies });
      expect(r.status, what).toBe(403);
      expect(r.headers["Content-Type"], what).toMatch(/^text\/html/);
      expect(r.headers.Location, what).toBeUndefined();
      expect(r.headers["Cache-Control"]).toBe("no-store");
      expect(r.body).toContain(`href="${next}"`);
    }
    expect(await codesOf(user.id)).toBe(0);
    const resumed = await get(next, { ...NAVIGATION, cookie: cookies });
    expect(resumed.status).toBe(302);
    expect(new URL(resumed.headers.Location!).searchParams.get("code")).toBeTruthy();
    expect(await codesOf(user.id)).toBe(1);
    bindingOf(started.headers["Set-Cookie"]);
  });

  it("a signed-in browser's background request for a new authorization gets no code either; clients without Fetch Metadata still do", async () => {
    const { user, cookie } = await userWithSession();
    expect((await get(authorizeUrl(), { rsc: "1", cookie })).status).toBe(403);
    expect((await get(authorizeUrl(), { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", cookie })).status).toBe(403);
    expect(await codesOf(user.id)).toBe(0);
    // A silent request (prompt=none) in a hidden frame is a navigation.
    const framed = await get(authorizeUrl({ prompt: "none" }), { "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe", cookie });
    expect(new URL(framed.headers.Location!).searchParams.get("code")).toBeTruthy();
    // Node's fetch sends "Sec-Fetch-Mode: cors" and nothing else: not a browser's background request.
    const server = await get(authorizeUrl(), { "sec-fetch-mode": "cors", cookie });
    expect(new URL(server.headers.Location!).searchParams.get("code")).toBeTruthy();
    const plain = await get(authorizeUrl(), { cookie });
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.Location!).searchParams.get("code")).toBeTruthy();
  });

  it("another browser (another binding cookie, or none) cannot resume the interaction", async () => {
    const { cookie } = await userWithSession();
    const started = await get(authorizeUrl());
    const next = new URL(started.headers.Location!, "http://x").searchParams.get("next")!;
    const mine = bindingOf(started.headers["Set-Cookie"]);
    const theirs = bindingOf((await get(authorizeUrl())).headers["Set-Cookie"]);
    expect(theirs).not.toBe(mine);
    for (const cookies of [`${cookie}; ${theirs}`, cookie]) {
      const r = await get(next, { ...NAVIGATION, cookie: cookies });
      expect(r.headers.Location).toBe("/authorize-error?reason=foreign_interaction");
    }
    expect(new URL((await get(next, { cookie: `${cookie}; ${mine}` })).headers.Location!).searchParams.get("code")).toBeTruthy();
  });
});

describe("risk context in OIDC sign-ins (the application and acr_values reach the engine)", () => {
  it("a signed-in one-factor browser asking for a transaction above the threshold must sign in again; below it, the code", async () => {
    const { user, cookie } = await userWithSession(["pwd"]);
    const big = await get(authorizeUrl({ acr_values: "urn:portico:txn:value:5000" }), { ...NAVIGATION, cookie });
    expect(big.status).toBe(302);
    const login = new URL(big.headers.Location!, "http://x");
    expect(login.pathname).toBe("/login");
    expect(login.searchParams.get("force")).toBe("1");
    expect(await codesOf(user.id)).toBe(0);
    expect(await t.db().riskAssessment.findFirst({ where: { userId: user.id } })).toMatchObject({ clientId, method: "sso", action: "mfa", outcome: "step_up" });
    const small = await get(authorizeUrl({ acr_values: "urn:portico:txn:value:50" }), { ...NAVIGATION, cookie });
    expect(new URL(small.headers.Location!).searchParams.get("code")).toBeTruthy();
    // A two-factor session meets the step-up as it is.
    const strong = await userWithSession(["pwd", "otp", "mfa"]);
    const ok = await get(authorizeUrl({ acr_values: "urn:portico:txn:value:5000" }), { ...NAVIGATION, cookie: strong.cookie });
    expect(new URL(ok.headers.Location!).searchParams.get("code")).toBeTruthy();
  });

  it("a rule scoped to one application fires for a signed-in browser at that application only", async () => {
    await createRiskRule(admin, { name: "Blog needs two factors", clientId: otherClientId, conditions: [{ feature: "method", op: "eq", value: "sso" }], action: "mfa" }, {});
    const { cookie } = await userWithSession(["pwd"]);
    expect(new URL((await get(authorizeUrl({}, otherClientId), { ...NAVIGATION, cookie })).headers.Location!, "http://x").pathname).toBe("/login");
    expect(new URL((await get(authorizeUrl(), { ...NAVIGATION, cookie })).headers.Location!).searchParams.get("code")).toBeTruthy();
  });

  it("the sign-in that continues /oauth2/authorize?interaction=… is assessed with the interaction's application and transaction value", async () => {
    const { user } = await userWithSession();
    const started = await get(authorizeUrl({ acr_values: "urn:portico:txn:value:5000" }), NAVIGATION);
    const next = new URL(started.headers.Location!, "http://x").searchParams.get("next")!;
    const [name, value] = (started.headers["Set-Cookie"]?.split(";")[0] ?? "=").split("=") as [string, string];
    jar.clear();
    if (name) jar.set(name, value);
    const ctx = { ip: "192.0.2.1", userAgent: "vitest" };
    const goesTo = await signInWithPassword({ email: user.email!, password: "correct horse battery staple", next }, ctx);
    // No factor enrolled, and still not signed in on the password alone: the emailed second step.
    expect(goesTo).toBe("/login/verify");
    expect(await t.db().riskAssessment.findFirst({ where: { userId: user.id, method: "password" }, orderBy: { createdAt: "desc" } })).toMatchObject({ clientId, action: "mfa" });
  });
});

describe("progressive profiling", () => {
  it("a missing required attribute sends the browser to the hosted page, bound to it; prompt=none answers interaction_required", async () => {
    const { createAttributeDefinition } = await import("@/lib/profile");
    const { setProfilingPolicy } = await import("@/lib/applications");
    await createAttributeDefinition(admin, { name: "ep_member_no", label: "Member number", type: "number", required: false, rules: {}, customerAccess: "write", appReadScope: null }, {});
    const app = (await createApplication(admin, { name: "Club", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code"], firstParty: true }, {})).application;
    await setProfilingPolicy(admin, app.id, "ep_member_no required", 30, {});
    const { user, cookie } = await userWithSession();
    const asked = await get(authorizeUrl({}, app.clientId), { ...NAVIGATION, cookie });
    expect(asked.status).toBe(302);
    expect(asked.headers.Location).toMatch(/^\/login\/profile\?interaction=[\w-]+$/);
    bindingOf(asked.headers["Set-Cookie"]);
    const silent = await get(authorizeUrl({ prompt: "none" }, app.clientId), { ...NAVIGATION, cookie });
    expect(new URL(silent.headers.Location!).searchParams.get("error")).toBe("interaction_required");
    expect(await codesOf(user.id)).toBe(0);
  });
});
