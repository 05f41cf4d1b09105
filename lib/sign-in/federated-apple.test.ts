// Sign in with Apple's shape against oidc-provider playing Apple (test/upstreams/oidc-upstream.ts,
// AppleQuirks): the answer is a form_post from the upstream's site (kept on the request, then
// redeemed when the browser comes back by GET), the client secret is a JWT Portico signs with the
// connection's .p8 key, the ID token says email_verified "true" as a string, and the name arrives
// once, beside the first answer only.
import crypto from "node:crypto";
import { exportPKCS8, generateKeyPair } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { answerFormPost, createConnection, FederationError, redirectUriOf } from "@/lib/federation";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { followToAnswer } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startOidcUpstream, type OidcUpstream } from "@/test/upstreams/oidc-upstream";
import { completeFederatedRegistration, finishFederation, pendingFederatedStep, startFederation, type FederationBrowser } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.72", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f002", roles: ["admin"] };
const TEAM = "TEAM123456";
const KEY_ID = "KEY1234567";

let apple: OidcUpstream;

const browser = (): FederationBrowser => {
  const binding = crypto.randomBytes(32).toString("base64url");
  return { binding, interactionBinding: binding };
};

/** Start, the upstream's form_post page, its POST (no cookies), then the browser back at the callback by GET. */
async function roundTrip(slug: string, b: FederationBrowser) {
  const { redirectTo } = await startFederation(slug, { next: "/account" }, ctx, b);
  const answer = await followToAnswer(redirectTo, redirectUriOf(slug));
  expect(answer.method).toBe("POST");
  const { continueAt } = await answerFormPost(slug, answer.params);
  const back = new URL(continueAt, "http://portico.test");
  expect(back.pathname).toBe(`/federation/${slug}/callback`);
  return { posted: answer.params, outcome: () => finishFederation(slug, back.searchParams, ctx, b, null) };
}

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const other = await generateKeyPair("ES256", { extractable: true });
  apple = await startOidcUpstream({
    clients: [{ clientId: "com.example.portico", clientSecret: "registered-at-apple", redirectUris: [redirectUriOf("apple"), redirectUriOf("apple-wrong-key")], authMethod: "client_secret_post" }],
    accounts: [{ sub: "000123.abc", email: "tim@privaterelay.appleid.com", email_verified: "true", given_name: "Tim", family_name: "Apple" }],
    apple: { teamId: TEAM, keyId: KEY_ID, publicKey },
  });
  const settings = { protocol: "oidc", issuer: apple.issuer, clientId: "com.example.portico", scopes: ["openid", "email", "name"], responseMode: "form_post", claimMapping: {}, appleClientSecret: { teamId: TEAM, keyId: KEY_ID } };
  await createConnection(admin, { slug: "apple", name: "Apple", preset: "apple", settings, clientSecret: await exportPKCS8(privateKey), trustEmailVerified: true }, ctx);
  await createConnection(admin, { slug: "apple-wrong-key", name: "Apple (old key)", preset: "apple", settings, clientSecret: await exportPKCS8(other.privateKey), trustEmailVerified: true }, ctx);
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await apple?.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("Sign in with Apple", () => {
  it("registers from a form_post answer with the name Apple sends once, then signs in again without it", async () => {
    const b = browser();
    const first = await roundTrip("apple", b);
    expect(JSON.parse(first.posted.get("user")!)).toMatchObject({ name: { firstName: "Tim", lastName: "Apple" } });
    const outcome = await first.outcome();
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/register\?token=/) });
    const token = new URL((outcome as { redirectTo: string }).redirectTo, "http://x").searchParams.get("token");
    const pending = await pendingFederatedStep(token, "register", b);
    // email_verified "true" (a string) counts; the name came from the posted `user`, not the ID token.
    expect(pending?.identity).toMatchObject({ email: "tim@privaterelay.appleid.com", emailVerified: true, profile: { given_name: "Tim", family_name: "Apple", name: "Tim Apple" } });
    await completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b);
    expect(await t.db().user.findUniqueOrThrow({ where: { email: "tim@privaterelay.appleid.com" } })).toMatchObject({ givenName: "Tim", familyName: "Apple" });

    // The second authorization carries no name; the account keeps its own.
    const second = await roundTrip("apple", browser());
    expect(second.posted.has("user")).toBe(false);
    expect(await second.outcome()).toMatchObject({ kind: "continue" });
    expect(await t.db().user.findUniqueOrThrow({ where: { email: "tim@privaterelay.appleid.com" } })).toMatchObject({ givenName: "Tim", familyName: "Apple" });
  });

  it("redeems a posted answer only in the browser that started it, once", async () => {
    const { redirectTo } = await startFederation("apple", { next: "/account" }, ctx, browser());
    const answer = await followToAnswer(redirectTo, redirectUriOf("apple"));
    const { continueAt } = await answerFormPost("apple", answer.params);
    const back = new URL(continueAt, "http://portico.test").searchParams;
    await expect(finishFederation("apple", back, ctx, browser(), null)).rejects.toMatchObject({ code: "invalid_state" });
    // Answered once: a second post of the same answer is refused.
    await expect(answerFormPost("apple", answer.params)).rejects.toMatchObject({ code: "invalid_state" });
  });

  it("refuses an answer by query for a form_post connection (the code never comes by URL)", async () => {
    const b = browser();
    const { redirectTo } = await startFederation("apple", { next: "/account" }, ctx, b);
    const answer = await followToAnswer(redirectTo, redirectUriOf("apple"));
    const e = await finishFederation("apple", answer.params, ctx, b, null).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FederationError);
    expect((e as FederationError).code).toBe("invalid_state");
  });

  it("is refused by the upstream when the client secret is signed with another key", async () => {
    const b = browser();
    const trip = await roundTrip("apple-wrong-key", b);
    await expect(trip.outcome()).rejects.toMatchObject({ code: "upstream_error", details: { upstreamError: "invalid_client" } });
  });
});
