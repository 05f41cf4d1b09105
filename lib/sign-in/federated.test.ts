// Federated sign-in end to end without a browser: real stand-in upstreams on localhost (oidc-provider
// as an OpenID Connect provider, a GitHub-like OAuth 2.0 server), the upstream's redirects followed
// as a browser would, the callback handled by lib/sign-in with this browser's binding, the outcome
// (a session's cookies, or the page that asks the customer) checked against the database.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "@/test/upstreams/refusal";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { reloadConfig } from "@/lib/config";
import { hashPassword } from "@/lib/credentials";
import { createConnection, redirectUriOf, unlinkIdentity, type ConnectionAdminView } from "@/lib/federation";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { validateSession } from "@/lib/sessions";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startGitHubLike, type GitHubLike } from "@/test/upstreams/github-like";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { completeFederatedLink, completeFederatedRegistration, findPendingSecondStep, finishFederation, pendingFederatedStep, signIn, startFederation, type FederationBrowser } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.70", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f001", roles: ["admin"] };
const SECRET = "upstream-client-secret-for-portico";
const PASSWORD = "correct horse battery staple";

let oidc: OidcUpstream;
let github: GitHubLike;
let acme: ConnectionAdminView;
let gh: ConnectionAdminView;

/** A browser: its binding cookie is the interaction binding (lib/http reads one cookie for both). */
const browser = (): FederationBrowser => {
  const binding = crypto.randomBytes(32).toString("base64url");
  return { binding, interactionBinding: binding };
};

/** Whom a sign-in outcome is for: its session, or its pending second step (a new browser may be asked for one). */
async function signedInAs(outcome: { cookies: { session?: { userId: string }; pendingSignIn?: { token: string } } }): Promise<string | undefined> {
  return outcome.cookies.session?.userId ?? (await findPendingSecondStep(outcome.cookies.pendingSignIn?.token))?.userId;
}

/** Start -> the upstream (as `account`) -> the callback, in one browser. */
async function roundTrip(slug: string, b: FederationBrowser, opts: { next?: string; userId?: string; signedIn?: string | null } = {}) {
  const { redirectTo } = await startFederation(slug, { next: opts.next ?? "/account", userId: opts.userId }, ctx, b);
  const params = await followToCallback(redirectTo, redirectUriOf(slug));
  return { params, outcome: () => finishFederation(slug, params, ctx, b, opts.signedIn ?? null) };
}

const tokenOf = (redirectTo: string) => new URL(redirectTo, "http://x").searchParams.get("token");

async function customer(email: string, opts: { verified?: boolean; password?: boolean } = {}) {
  return t.db().user.create({ data: { email, emailVerifiedAt: opts.verified === false ? null : new Date(), passwordHash: opts.password === false ? null : await hashPassword(PASSWORD) } });
}

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  oidc = await startOidcUpstream({
    clients: [
      { clientId: "portico", clientSecret: SECRET, redirectUris: [redirectUriOf("acme"), redirectUriOf("loose")] },
    ],
    accounts: [
      { sub: "ada-sub", email: "ada@lovelace.example", email_verified: true, name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace", amr: ["pwd", "mfa"] },
      { sub: "grace-sub", email: "grace@navy.example", email_verified: true, name: "Grace Hopper" },
      { sub: "mallory-sub", email: "victim@bank.example", email_verified: false, name: "Mallory" },
      { sub: "eve-sub", email: "eve@evil.example", email_verified: true, name: "Eve" },
    ],
  });
  github = await startGitHubLike({
    redirectUri: redirectUriOf("gh"),
    clientId: "gh-client",
    clientSecret: SECRET,
    user: { id: 4242, login: "ada", name: "Ada L.", avatar_url: "https://avatars.example/4242", email: null, emails: [{ email: "ada@lovelace.example", primary: true, verified: true, visibility: "private" }] },
  });
  const oidcSettings = { protocol: "oidc", issuer: oidc.issuer, clientId: "portico", scopes: ["openid", "email", "profile"], claimMapping: {} };
  acme = await createConnection(admin, { slug: "acme", name: "Acme ID", settings: oidcSettings, clientSecret: SECRET, trustEmailVerified: true }, ctx);
  await createConnection(admin, { slug: "loose", name: "Loose ID", settings: oidcSettings, clientSecret: SECRET, trustEmailVerified: false }, ctx);
  gh = await createConnection(
    admin,
    {
      slug: "gh",
      name: "GitHub",
      settings: {
        protocol: "oauth2",
        authorizationEndpoint: `${github.url}/login/oauth/authorize`,
        tokenEndpoint: `${github.url}/login/oauth/access_token`,
        userinfoEndpoint: `${github.url}/user`,
        emailsEndpoint: `${github.url}/user/emails`,
        clientId: "gh-client",
        scopes: ["read:user", "user:email"],
        tokenEndpointAuthMethod: "client_secret_post",
        claimMapping: { subject: "id", email: "email", name: "name" },
      },
      clientSecret: SECRET,
      trustEmailVerified: true,
    },
    ctx,
  );
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await oidc?.close();
  await github?.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("a first sign-in through an upstream", () => {
  it("registers just in time with what the upstream shared, after the customer accepts; the next sign-in goes straight in", async () => {
    oidc.next = "ada-sub";
    const b = browser();
    const first = await (await roundTrip("acme", b)).outcome();
    expect(first).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/register\?token=/) });
    const token = tokenOf((first as { redirectTo: string }).redirectTo);
    // Nothing exists yet: the customer has not confirmed.
    expect(await t.db().user.findUnique({ where: { email: "ada@lovelace.example" } })).toBeNull();
    const pending = await pendingFederatedStep(token, "register", b);
    expect(pending?.identity).toMatchObject({ email: "ada@lovelace.example", emailVerified: true, profile: { name: "Ada Lovelace", given_name: "Ada" } });
    // Another browser cannot use the link.
    expect(await pendingFederatedStep(token, "register", browser())).toBeNull();

    const signedIn = await completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b);
    const user = await t.db().user.findUniqueOrThrow({ where: { email: "ada@lovelace.example" } });
    expect(user).toMatchObject({ displayName: "Ada Lovelace", givenName: "Ada", familyName: "Lovelace", passwordHash: null });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(await t.db().linkedIdentity.findMany({ where: { userId: user.id } })).toMatchObject([{ connectionId: acme.id, subject: "ada-sub" }]);
    expect(signedIn.cookies.session).toMatchObject({ userId: user.id });
    // The upstream's own second factor counts for a trusted connection (RFC 8176 amr).
    expect((await validateSession(signedIn.cookies.session!.token))!.amr).toEqual(["fed", "pwd", "mfa"]);
    const actions = (await listAuditEvents({ targetId: user.id })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.registered", "identity.linked", "login.succeeded"]));
    // The pending step was used up.
    await expect(completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b)).rejects.toMatchObject({ code: "invalid_state" });

    const again = await (await roundTrip("acme", browser())).outcome();
    if (again.kind !== "continue") throw new Error("expected the sign-in to go on");
    expect(await signedInAs(again.outcome)).toBe(user.id);
    expect(await t.db().user.count({ where: { email: "ada@lovelace.example" } })).toBe(1);
  });

  it("links a verified address on a trusted connection to the account holding it, without asking", async () => {
    oidc.next = "grace-sub";
    const grace = await customer("grace@navy.example");
    const outcome = await (await roundTrip("acme", browser())).outcome();
    if (outcome.kind !== "continue") throw new Error("expected the sign-in to go on");
    expect(await signedInAs(outcome.outcome)).toBe(grace.id);
    expect(await t.db().linkedIdentity.count({ where: { userId: grace.id, connectionId: acme.id } })).toBe(1);
  });

  it("never links an address the upstream did not verify: the customer proves the account with its password first", async () => {
    oidc.next = "mallory-sub";
    const victim = await customer("victim@bank.example");
    const b = browser();
    const outcome = await (await roundTrip("acme", b)).outcome();
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?token=/) });
    expect(await t.db().linkedIdentity.count({ where: { userId: victim.id } })).toBe(0);
    const token = tokenOf((outcome as { redirectTo: string }).redirectTo);
    // A wrong password links nothing.
    await expect(completeFederatedLink(token, "not the password", ctx, b)).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(await t.db().linkedIdentity.count({ where: { userId: victim.id } })).toBe(0);
    const linked = await completeFederatedLink(token, PASSWORD, ctx, b);
    expect(linked.cookies.session?.userId).toBe(victim.id);
    expect(await t.db().linkedIdentity.count({ where: { userId: victim.id, subject: "mallory-sub" } })).toBe(1);
  });

  it("asks for the password too when the connection is not trusted for verified addresses, or the account's own address is unverified", async () => {
    oidc.next = "eve-sub";
    await customer("eve@evil.example", { verified: false });
    const outcome = await (await roundTrip("acme", browser())).outcome();
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?/) });
    oidc.next = "grace-sub";
    const viaLoose = await (await roundTrip("loose", browser())).outcome();
    expect(viaLoose).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?/) });
  });

  it("creates no account from an untrusted connection (an address anyone could claim), and answers as if an account held it", async () => {
    await t.db().user.deleteMany({ where: { email: "grace@navy.example" } });
    oidc.next = "grace-sub";
    const b = browser();
    const outcome = await (await roundTrip("loose", b)).outcome();
    // The same page as for an address an account holds: the answer never says whether one does.
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/link\?token=/) });
    expect(await t.db().user.count({ where: { email: "grace@navy.example" } })).toBe(0);
    await expect(completeFederatedLink(tokenOf((outcome as { redirectTo: string }).redirectTo), PASSWORD, ctx, b)).rejects.toMatchObject({ code: "invalid_credentials" });
  });

  it("links a proved account only once its sign-in completes: after the password alone, nothing is linked", async () => {
    oidc.next = "mallory-sub";
    await t.db().linkedIdentity.deleteMany({ where: { subject: "mallory-sub" } });
    const victim = await t.db().user.findUniqueOrThrow({ where: { email: "victim@bank.example" } });
    const b = browser();
    const outcome = await (await roundTrip("acme", b)).outcome();
    const token = tokenOf((outcome as { redirectTo: string }).redirectTo);
    // The account has a second factor now: the password leads to the second step, and no link yet.
    await t.db().mfaFactor.create({ data: { userId: victim.id, type: "totp", label: "app", secretSealed: "sealed", confirmedAt: new Date() } });
    const step = await completeFederatedLink(token, PASSWORD, ctx, b);
    expect(step.cookies.session).toBeUndefined();
    expect(step.cookies.pendingSignIn).toBeDefined();
    expect(await t.db().linkedIdentity.count({ where: { userId: victim.id } })).toBe(0);
    // The sign-in completes in this browser (its second step done): the identity is linked then.
    await signIn(victim.id, ["pwd", "otp", "mfa"], null, ctx, { interactionBinding: b.binding });
    expect(await t.db().linkedIdentity.count({ where: { userId: victim.id, subject: "mallory-sub" } })).toBe(1);
    await t.db().mfaFactor.deleteMany({ where: { userId: victim.id } });
  });
});

describe("the callback", () => {
  it("is redeemed once, only in the browser that started it", async () => {
    oidc.next = "ada-sub";
    const b = browser();
    const { params } = await roundTrip("acme", b);
    expect((await refusal(finishFederation("acme", params, ctx, browser(), null))).code).toBe("invalid_state");
    // The request is spent by the refused attempt too: a replay in the right browser fails as well.
    expect((await refusal(finishFederation("acme", params, ctx, b, null))).code).toBe("invalid_state");
    const other = await roundTrip("acme", b);
    expect((await refusal(finishFederation("gh", other.params, ctx, b, null))).code).toBe("invalid_state");
  });

  it("names the upstream's refusal", async () => {
    oidc.next = "deny";
    const e = await refusal((await roundTrip("acme", browser())).outcome());
    expect(e.code).toBe("upstream_error");
  });
});

describe("linking from the portal", () => {
  it("links the GitHub-like identity to the signed-in account, signs in with it, and unlinks it but never the last way in", async () => {
    const ada = await t.db().user.findUniqueOrThrow({ where: { email: "ada@lovelace.example" } });
    const b = browser();
    const linking = await roundTrip("gh", b, { userId: ada.id });
    // The callback must come back to the account that started it.
    expect((await refusal(finishFederation("gh", linking.params, ctx, b, crypto.randomUUID()))).code).toBe("invalid_state");
    const again = await roundTrip("gh", b, { userId: ada.id, signedIn: ada.id });
    expect(await again.outcome()).toEqual({ kind: "redirect", redirectTo: "/account/linked?linked=gh" });
    const identities = await t.db().linkedIdentity.findMany({ where: { userId: ada.id }, orderBy: { createdAt: "asc" } });
    expect(identities.map((i) => [i.connectionId, i.subject])).toEqual([
      [acme.id, "ada-sub"],
      [gh.id, "4242"],
    ]);
    // A sign-in with it: for Ada (straight in, or her second step when the risk engine asks for one on a new browser).
    const signIn = await (await roundTrip("gh", browser())).outcome();
    if (signIn.kind !== "continue") throw new Error("expected the sign-in to go on");
    expect(await signedInAs(signIn.outcome)).toBe(ada.id);

    // Ada has no password and no passkey: one of the two may go, not both.
    await unlinkIdentity(ada.id, identities[1]!.id, ctx);
    await expect(unlinkIdentity(ada.id, identities[0]!.id, ctx)).rejects.toMatchObject({ code: "last_sign_in_method" });
    expect(await t.db().linkedIdentity.count({ where: { userId: ada.id } })).toBe(1);
    // Someone else's identity is not theirs to unlink.
    const other = await customer(`other-${crypto.randomBytes(3).toString("hex")}@example.com`);
    await expect(unlinkIdentity(other.id, identities[0]!.id, ctx)).rejects.toMatchObject({ code: "not_found" });
    expect((await listAuditEvents({ targetId: ada.id, action: "identity.unlinked" })).length).toBe(1);
    // The owner is told of each: the link from the portal and the unlink (not the registration's own link).
    const mailed = await t.db().mailMessage.findMany({ where: { to: ada.email!, template: "sign-in-method-changed" }, orderBy: { createdAt: "asc" } });
    expect(mailed.map((m) => m.subject)).toEqual([expect.stringMatching(/was added/), expect.stringMatching(/was removed/)]);
    expect(mailed[0]!.text).toContain("GitHub (linked account)");
  });

  it("links nothing to an account whose own address is unverified (it may have been registered by someone else)", async () => {
    const unverified = await customer(`unverified-${crypto.randomBytes(3).toString("hex")}@example.com`, { verified: false });
    const e = await refusal((await roundTrip("gh", browser(), { userId: unverified.id, signedIn: unverified.id })).outcome());
    expect(e.code).toBe("forbidden");
    expect(await t.db().linkedIdentity.count({ where: { userId: unverified.id } })).toBe(0);
  });

  it("refuses an identity already linked to another account", async () => {
    const someone = await customer(`someone-${crypto.randomBytes(3).toString("hex")}@example.com`);
    oidc.next = "ada-sub"; // linked to Ada above
    const b = browser();
    const e = await refusal((await roundTrip("acme", b, { userId: someone.id, signedIn: someone.id })).outcome());
    expect(e.code).toBe("already_linked");
  });
});
