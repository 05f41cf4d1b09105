// The Microsoft preset's multi-tenant issuer against oidc-provider playing Microsoft
// (test/upstreams/microsoft-like.ts): the connection is set up with the "common" issuer, whose
// discovery document names the template `.../{tenantid}/v2.0`; the provider is one tenant's, so
// its ID tokens and its RFC 9207 `iss` parameter name that tenant's issuer, which must be the
// template filled with the token's own `tid`.
import crypto from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refusal } from "@/test/upstreams/refusal";
import { useTestDatabase } from "@/test/db";
import { reloadConfig } from "@/lib/config";
import { decryptAtRest } from "@/lib/crypto";
import { PRESETS, type OidcSettings } from "@/lib/federation/connection.schema";
import { createConnection, redirectUriOf } from "@/lib/federation";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { followToCallback } from "@/test/upstreams/browser";
import { allowLoopback } from "@/test/upstreams/connection";
import { startMicrosoftLike, type MicrosoftLike } from "@/test/upstreams/microsoft-like";
import { completeFederatedRegistration, findPendingSecondStep, finishFederation, pendingFederatedStep, startFederation, type FederationBrowser } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.73", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-00000000f003", roles: ["admin"] };
const SECRET = "entra-client-secret-for-portico";
const CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e";
// Tenant ids are GUIDs at Microsoft.
const TENANT_A = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const TENANT_B = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

let ms: MicrosoftLike;
/** The same shape, but its common document does not announce the iss parameter (as Microsoft's does not). */
let quiet: MicrosoftLike;

const browser = (): FederationBrowser => {
  const binding = crypto.randomBytes(32).toString("base64url");
  return { binding, interactionBinding: binding };
};

/** The preset's settings with login.microsoftonline.com swapped for the stand-in. */
function microsoftSettings(up: MicrosoftLike): OidcSettings {
  const preset = PRESETS.microsoft.settings as OidcSettings;
  const origin = new URL(up.issuer).origin;
  const swap = (u: string) => u.replace("https://login.microsoftonline.com", origin);
  return { ...preset, issuer: swap(preset.issuer), issuerTemplate: swap(preset.issuerTemplate!), clientId: CLIENT_ID };
}

async function answer(slug: string, b: FederationBrowser): Promise<URLSearchParams> {
  const { redirectTo } = await startFederation(slug, { next: "/account" }, ctx, b);
  return followToCallback(redirectTo, redirectUriOf(slug));
}

/** Whom a sign-in outcome is for: its session, or its pending second step (a new browser may be asked for one). */
async function signedInAs(outcome: { cookies: { session?: { userId: string }; pendingSignIn?: { token: string } } }): Promise<string | undefined> {
  return outcome.cookies.session?.userId ?? (await findPendingSecondStep(outcome.cookies.pendingSignIn?.token))?.userId;
}

const tokenRequests = (up: MicrosoftLike) => up.requests.filter((r) => r.method === "POST" && r.path.endsWith("/token")).length;

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  const accounts = [
    { sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", tid: TENANT_A, email: "ada@contoso.example", email_verified: true, name: "Ada Lovelace" },
    // Tenant A's provider, but the token's tid names tenant B: its issuer is not tenant B's.
    { sub: "AAAAAAAAAAAAAAAAAAAAAMallorySubjectXXXXXXX", tid: TENANT_B, email: "mallory@fabrikam.example", email_verified: true, name: "Mallory" },
    { sub: "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX", tid: TENANT_A, email: "grace@contoso.example", email_verified: true, name: "Grace Hopper" },
  ];
  ms = await startMicrosoftLike({ tenantId: TENANT_A, clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [redirectUriOf("microsoft")] }], accounts });
  quiet = await startMicrosoftLike({
    tenantId: TENANT_A,
    advertiseIssParameter: false,
    clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [redirectUriOf("microsoft-quiet")] }],
    accounts,
  });
  // The preset does not trust upstream addresses; trusting them here lets a tenant's customer register.
  await createConnection(admin, { slug: "microsoft", name: "Microsoft", preset: "microsoft", settings: microsoftSettings(ms), clientSecret: SECRET, trustEmailVerified: true, storeTokens: true }, ctx);
  await createConnection(admin, { slug: "microsoft-quiet", name: "Microsoft (quiet)", preset: "microsoft", settings: microsoftSettings(quiet), clientSecret: SECRET, trustEmailVerified: true }, ctx);
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  await ms?.close();
  await quiet?.close();
});
beforeEach(() => resetFixedWindowLimitsForTests());

describe("the Microsoft preset's multi-tenant issuer", () => {
  it("is the stand-in's shape: the common document names the template, the provider is the tenant's", async () => {
    const settings = microsoftSettings(ms);
    expect(settings).toMatchObject({ issuer: ms.common, issuerTemplate: ms.issuerTemplate });
    expect(ms.issuer).toBe(ms.tenantIssuer(TENANT_A));
    const common = (await (await fetch(`${ms.common}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(common).toMatchObject({ issuer: ms.issuerTemplate, token_endpoint: `${ms.issuer}/token`, authorization_response_iss_parameter_supported: true });
  });

  it("registers a customer of a tenant from the tenant's real tokens, then signs them in again", async () => {
    ms.next = "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ";
    const b = browser();
    const params = await answer("microsoft", b);
    // RFC 9207: the answer names the tenant's issuer, not the common one.
    expect(params.get("iss")).toBe(ms.tenantIssuer(TENANT_A));
    const first = await finishFederation("microsoft", params, ctx, b, null);
    expect(first).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/register\?token=/) });
    const token = new URL((first as { redirectTo: string }).redirectTo, "http://x").searchParams.get("token");
    expect((await pendingFederatedStep(token, "register", b))?.identity).toMatchObject({ subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", email: "ada@contoso.example" });
    await completeFederatedRegistration(token, { acceptedDocuments: [], consents: {} }, ctx, b);

    const identity = await t.db().linkedIdentity.findFirstOrThrow({ where: { subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ" }, include: { user: true } });
    expect(identity.user.email).toBe("ada@contoso.example");
    // The ID token Portico accepted (kept, sealed, as the connection stores tokens): the tenant's issuer and tid.
    const idToken = decodeJwt(decryptAtRest(identity.idTokenSealed!, "linked_identity.id_token"));
    expect(idToken).toMatchObject({ iss: ms.tenantIssuer(TENANT_A), tid: TENANT_A, sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", aud: CLIENT_ID });
    // Discovered at the common document, redeemed at the tenant's token endpoint.
    expect(ms.requests).toEqual(expect.arrayContaining([expect.objectContaining({ method: "GET", path: "/common/v2.0/.well-known/openid-configuration" }), expect.objectContaining({ method: "POST", path: `/${TENANT_A}/v2.0/token` })]));

    const b2 = browser();
    const again = await finishFederation("microsoft", await answer("microsoft", b2), ctx, b2, null);
    expect(again).toMatchObject({ kind: "continue" });
    expect(await signedInAs((again as { outcome: Parameters<typeof signedInAs>[0] }).outcome)).toBe(identity.userId);
  });

  it("refuses an ID token whose issuer is not the tenant its tid names", async () => {
    ms.next = "AAAAAAAAAAAAAAAAAAAAAMallorySubjectXXXXXXX";
    const b = browser();
    const params = await answer("microsoft", b);
    // The answer itself is the tenant's own (its iss fits); the token's tid says another tenant.
    expect(params.get("iss")).toBe(ms.tenantIssuer(TENANT_A));
    const e = await refusal(finishFederation("microsoft", params, ctx, b, null));
    expect(e.code).toBe("invalid_response");
    expect(e.message).toContain("its issuer");
    expect(await t.db().linkedIdentity.count({ where: { subject: "AAAAAAAAAAAAAAAAAAAAAMallorySubjectXXXXXXX" } })).toBe(0);
    expect(await t.db().user.count({ where: { email: "mallory@fabrikam.example" } })).toBe(0);
  });

  it("refuses an answer whose iss parameter names another tenant than the ID token's", async () => {
    ms.next = "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX";
    const b = browser();
    const params = await answer("microsoft", b);
    // Fits the template (another tenant's issuer), so only the token can tell: it is redeemed, then refused.
    params.set("iss", ms.tenantIssuer(TENANT_B));
    const before = tokenRequests(ms);
    const e = await refusal(finishFederation("microsoft", params, ctx, b, null));
    expect(e.code).toBe("invalid_response");
    expect(e.message).toContain("did not come from Microsoft");
    expect(tokenRequests(ms)).toBe(before + 1);
    expect(await t.db().linkedIdentity.count({ where: { subject: "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX" } })).toBe(0);
  });

  it("refuses, before redeeming the code, an answer without the iss parameter the common document announces, or with one the template cannot give", async () => {
    ms.next = "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX";
    for (const iss of [null, `http://127.0.0.2:${new URL(ms.issuer).port}/${TENANT_A}/v2.0`, `${ms.issuer}/extra`]) {
      const b = browser();
      const params = await answer("microsoft", b);
      if (iss === null) params.delete("iss");
      else params.set("iss", iss);
      const before = tokenRequests(ms);
      const e = await refusal(finishFederation("microsoft", params, ctx, b, null));
      expect(e.code).toBe("invalid_response");
      expect(e.message).toContain("did not come from Microsoft");
      expect(tokenRequests(ms)).toBe(before);
    }
    expect(await t.db().linkedIdentity.count({ where: { subject: "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX" } })).toBe(0);
  });

  it("without the iss parameter announced, takes an answer without one, and still refuses one naming another tenant", async () => {
    quiet.next = "AAAAAAAAAAAAAAAAAAAAAGraceSubjectXXXXXXXXX";
    const wrong = browser();
    const tampered = await answer("microsoft-quiet", wrong);
    tampered.set("iss", quiet.tenantIssuer(TENANT_B));
    expect((await refusal(finishFederation("microsoft-quiet", tampered, ctx, wrong, null))).message).toContain("did not come from Microsoft");

    const b = browser();
    const params = await answer("microsoft-quiet", b);
    params.delete("iss");
    const outcome = await finishFederation("microsoft-quiet", params, ctx, b, null);
    expect(outcome).toMatchObject({ kind: "redirect", redirectTo: expect.stringMatching(/^\/federation\/register\?token=/) });
  });
});
