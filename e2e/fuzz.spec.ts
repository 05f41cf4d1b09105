// HTTP fuzz of the running server (server.mjs: its protocol fast path and Next behind it), without a
// browser except to sign in once: every public page's query parameters, and the protocol endpoints'
// forms and credentials, random and malformed as an attacker would send them (NUL bytes, broken
// percent-encodings, repeated parameters, prototype names, over-long values). Nothing may answer 5xx.
// Bounded (FUZZ_RUNS) with a fixed seed (FUZZ_SEED to explore); fast-check prints the seed and the
// shrunk counterexample on failure. The database side (nothing changes on a refusal) is proven per
// endpoint in lib/http/endpoints/fuzz.test.ts.
import fc from "fast-check";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_REGISTRATION_TOKEN } from "./env";
import { signInAsAdmin } from "./helpers";

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** Public pages and the query parameters each one reads. */
const PAGES: Record<string, string[]> = {
  "/": [],
  "/login": ["next", "email", "force", "signedOut", "error", "declined", "expired"],
  "/login/terms": ["changed", "unticked"],
  "/login/verify": ["method", "next"],
  "/register": ["next", "email"],
  "/forgot-password": ["email", "next"],
  "/reset-password": ["token"],
  "/verify-email": ["token"],
  "/unlock": ["token"],
  "/not-me": ["token"],
  "/confirm-email-change": ["token"],
  "/cancel-email-change": ["token"],
  "/cancel-deletion": ["token"],
  "/consent": ["interaction"],
  "/login/profile": ["interaction"],
  "/authorize-error": ["reason"],
  "/device": ["user_code"],
  "/logout": ["next"],
  "/logout/confirm": ["request"],
  "/logout/done": [],
  "/logout/error": ["reason"],
  "/privacy": ["version"],
  "/terms": ["version"],
  "/dev/mail": ["to"],
  "/dev/mail/00000000-0000-4000-8000-000000000000": [],
  "/account": [],
  "/account/profile": [],
  "/account/apps": [],
  "/account/activity": ["before"],
  "/account/delete": [],
  "/account/activity/report": ["event"],
  "/account/sessions": ["signedOut"],
  "/account/data": [],
  "/account/privacy": ["receipt"],
  "/account/privacy/receipt": ["id", "format"],
  "/account/preferences": [],
  "/account/data/download": ["export", "token"],
  "/account/security": ["next", "mfa"],
  "/admin/preferences": [],
  "/admin/legal": [],
  "/account/security/totp": ["factor", "next"],
  "/account/security/sms": ["factor", "next"],
  "/admin/attributes": [],
  "/admin/users": ["q", "email", "status", "createdFrom", "createdTo", "signedInFrom", "signedInTo", "attr", "value", "sort", "dir", "size", "cursor"],
  // Protocol endpoints that take a query.
  "/oauth2/authorize": ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "interaction"],
  "/oauth2/logout": ["id_token_hint", "client_id", "post_logout_redirect_uri", "state", "_portico_logout"],
  "/oauth2/userinfo": ["access_token"],
  "/oauth2/jwks": [],
  "/.well-known/openid-configuration": [],
  "/.well-known/oauth-authorization-server": [],
  "/api/health": [],
  "/api/consent/v1/purposes": ["access_token"],
  "/api/consent/v1/consents": ["access_token"],
  "/api/consent/v1/receipts": ["access_token"],
  "/api/consent/v1/openapi.json": [],
};

const HOSTILE = [
  "\u0000",
  "a\u0000b",
  "%00",
  "\uFFFD",
  "\u202E",
  "\r\n",
  "😀",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "' OR '1'='1",
  "../../etc/passwd",
  "//evil.example",
  "https://evil.example",
  "javascript:alert(1)",
  "/\\evil.example",
  "<script>x</script>",
  "1",
  "-1",
  "1e309",
  "required",
  "offer",
  "totp",
  "sms",
  "email",
  "passkey",
  "expired_interaction",
  "x".repeat(300),
  "x".repeat(9000),
];

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}\u0000${b}`),
);

/** A query string: well-formed pairs over the page's names (repeats allowed), sometimes with raw broken escapes. */
function query(names: string[]): fc.Arbitrary<string> {
  const name = names.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostile }) : hostile;
  const pairs = fc.array(fc.tuple(name, hostile), { maxLength: 4 }).map((p) => {
    const q = new URLSearchParams();
    for (const [k, v] of p) q.append(k, v);
    return q.toString();
  });
  const raw = fc.array(fc.constantFrom("%", "%zz", "%00", "%FF", "%C3%28", "%ED%A0%80", "&", "=", "+", "[]", "[0]="), { maxLength: 4 }).map((parts) => parts.join(""));
  return fc.oneof({ weight: 4, arbitrary: pairs }, { weight: 1, arbitrary: fc.tuple(pairs, raw).map(([p, r]) => `${p}&${r}`) });
}

function formEncoded(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return v; // a lone surrogate (URIError)
  }
}

const pageRequest = fc.constantFrom(...Object.keys(PAGES)).chain((path) => query(PAGES[path]!).map((q) => `${path}?${q}`));

/** What earlier fuzzing found (each answered 500), checked first on every run. */
const PINNED_PAGES = [
  "/oauth2/authorize?client_id=%00",
  "/oauth2/authorize?interaction=%00",
  "/oauth2/logout?client_id=%00",
  "/consent?interaction=%00",
  "/login/profile?interaction=%00",
  "/dev/mail?to=%00",
  "/authorize-error?reason=__proto__",
  "/logout/error?reason=__proto__",
];

async function noServerError(request: APIRequestContext, runs: number, seed: number): Promise<void> {
  for (const url of PINNED_PAGES) {
    const res = await request.get(url, { maxRedirects: 0, failOnStatusCode: false });
    expect(res.status(), `GET ${url}`).toBeLessThan(500);
  }
  await fc.assert(
    fc.asyncProperty(pageRequest, async (url) => {
      const res = await request.get(url, { maxRedirects: 0, failOnStatusCode: false });
      expect(res.status(), `GET ${url}`).toBeLessThan(500);
    }),
    { numRuns: runs, seed },
  );
}

test.describe("fuzzing over HTTP: no 5xx", () => {
  test.setTimeout(180_000);

  test("every public page's query parameters, signed out", async ({ request }) => {
    await noServerError(request, RUNS, SEED);
  });

  test("every page's query parameters, signed in", async ({ page }) => {
    await signInAsAdmin(page);
    // The browser context's request client carries the session cookie.
    await noServerError(page.request, RUNS, SEED + 1);
  });

  test("the protocol endpoints' forms and client credentials", async ({ request }) => {
    const endpoints = ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/device_authorization", "/oauth2/userinfo", "/oauth2/authorize", "/oauth2/logout"];
    const names = ["grant_type", "client_id", "client_secret", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "token", "token_type_hint", "device_code", "client_assertion", "client_assertion_type", "access_token"];
    const id = fc.oneof(hostile, fc.constantFrom("demo-app", "x".repeat(22)));
    // RFC 6749 §2.3.1 form-encodes id and secret first; an attacker may not (a raw NUL, colon or non-ASCII byte).
    const basic = fc.tuple(id, hostile, fc.boolean()).map(([i, secret, encode]) => {
      const enc = (v: string) => (encode ? formEncoded(v) : v);
      return `Basic ${Buffer.from(`${enc(i)}:${enc(secret)}`).toString("base64")}`;
    });
    const authorization = fc.option(fc.oneof(basic, hostile.map((t) => `Bearer ${Buffer.from(t).toString("base64url")}`), fc.constantFrom("Basic", "Basic ====", `Bearer ${E2E_REGISTRATION_TOKEN}`)), { nil: undefined });
    // The 7 answers of 500 the first fuzz got: a NUL byte in a client id, in Basic credentials or the form.
    const nulBasic = `Basic ${Buffer.from("%00:secret").toString("base64")}`;
    for (const path of ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/device_authorization"]) {
      for (const [auth, body] of [[nulBasic, "grant_type=client_credentials&token=x"], [undefined, "client_id=%00&client_secret=x&token=x"], [undefined, "client_id=%00&grant_type=client_credentials"]] as const) {
        const res = await request.post(path, { data: body, headers: { "content-type": "application/x-www-form-urlencoded", ...(auth ? { authorization: auth } : {}) }, failOnStatusCode: false });
        expect(res.status(), `POST ${path} ${auth ?? ""} ${body}`).toBe(401);
        expect((await res.json()).error, `POST ${path} ${auth ?? ""} ${body}`).toBe("invalid_client");
      }
    }
    const post = fc.record({
      path: fc.constantFrom(...endpoints),
      body: query(names),
      authorization,
      type: fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data"),
    });
    await fc.assert(
      fc.asyncProperty(post, async ({ path, body, authorization: auth, type }) => {
        const headers: Record<string, string> = { "content-type": type };
        if (auth) headers.authorization = auth;
        const res = await request.post(path, { data: body, headers, maxRedirects: 0, failOnStatusCode: false });
        expect(res.status(), `POST ${path} ${auth ?? ""} ${body}`).toBeLessThan(500);
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
    // RFC 7591 registration with the deployment's initial access token and hostile JSON metadata.
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("redirect_uris", "client_name", "jwks", "grant_types", "token_endpoint_auth_method", "logo_uri"), fc.oneof(hostile, fc.array(hostile, { maxLength: 2 }))), async (metadata) => {
        const res = await request.post("/oauth2/register", {
          data: JSON.stringify(metadata),
          headers: { "content-type": "application/json", authorization: `Bearer ${E2E_REGISTRATION_TOKEN}` },
          failOnStatusCode: false,
        });
        expect(res.status(), `POST /oauth2/register ${JSON.stringify(metadata)}`).toBeLessThan(500);
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED + 3 },
    );
  });
});
