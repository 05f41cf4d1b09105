// Property-based fuzz of every protocol endpoint (fast-check), as an attacker would send requests:
// random and malformed parameters, repeated parameters, wrong content types, broken percent- and
// base64-encodings, NUL bytes and other control characters in identifiers and tokens, JWT-shaped
// tokens with hostile claims, over-long values. Two properties per request:
//   1. no 5xx and no exception: bad input gets the protocol's own error (RFC 6749 §5.2, RFC 6750 §3,
//      RFC 7591 §3.2.2, an error page), never a server_error;
//   2. no change in the database: a refused request writes nothing (every table is fingerprinted
//      before and after, audit and throttle tables included); a request that succeeds may write only
//      what its endpoint documents (an interaction, a device authorization and its audit event).
// Bounded (FUZZ_RUNS per endpoint) with a fixed seed, so CI is deterministic; on failure fast-check
// prints the seed and the shrunk counterexample. FUZZ_SEED=<n> FUZZ_RUNS=<n> explore further.
import crypto from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/test/db";
import { changedTables, snapshotDatabase, type DbSnapshot } from "@/test/db-snapshot";
import { createApplication, createInitialAccessToken, DEVICE_CODE_GRANT } from "@/lib/applications";
import { ensureSigningKeys } from "@/lib/keys";
import type { EndpointRequest, EndpointResult } from "./result";
import * as authorizeEndpoint from "./authorize";
import * as discoveryEndpoint from "./discovery";
import * as introspectEndpoint from "./introspect";
import * as jwksEndpoint from "./jwks";
import * as revokeEndpoint from "./revoke";
import * as tokenEndpoint from "./token";
import * as userinfoEndpoint from "./userinfo";
import * as registerEndpoint from "./register";
import * as deviceEndpoint from "./device-authorization";
import * as logoutEndpoint from "./logout";
import * as consentDecisionRoute from "@/app/(auth)/consent/decision/route";

// The consent decision route reads the session through next/headers; it runs here outside Next's
// request scope, so its cookie store is the fuzzed request's Cookie header.
const cookieJar = vi.hoisted(() => ({ header: "" }));
vi.mock("next/headers", () => {
  const jar = () => {
    const pairs = cookieJar.header.split(";").map((p) => p.trim()).filter(Boolean);
    const get = (name: string) => {
      const pair = pairs.find((p) => p.startsWith(`${name}=`));
      return pair === undefined ? undefined : { name, value: pair.slice(name.length + 1) };
    };
    return { get, getAll: () => [], has: (n: string) => get(n) !== undefined, set: () => undefined, delete: () => undefined };
  };
  return { cookies: async () => jar(), headers: async () => new Headers() };
});

useTestDatabase();

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
const REDIRECT = "https://rp.example.com/cb";
const admin = { id: "00000000-0000-4000-8000-0000000000f2", roles: ["admin"] };

/** What the fuzz knows of the world: real identifiers and secrets, so it gets past the first checks. */
const known = {
  basicClientId: "",
  basicSecret: "",
  postClientId: "",
  postSecret: "",
  publicClientId: "",
  accessToken: "",
  initialAccessToken: "",
};

beforeAll(async () => {
  await ensureSigningKeys();
  const grantTypes = ["authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT];
  const basic = await createApplication(admin, { name: "Fuzz basic", type: "confidential", redirectUris: [REDIRECT], postLogoutRedirectUris: [REDIRECT], grantTypes, allowedScopes: ["reports:read"] }, {});
  const post = await createApplication(admin, { name: "Fuzz post", type: "confidential", redirectUris: [REDIRECT], grantTypes, tokenEndpointAuthMethod: "client_secret_post" }, {});
  const pub = await createApplication(admin, { name: "Fuzz public", type: "public", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token", DEVICE_CODE_GRANT] }, {});
  known.basicClientId = basic.application.clientId;
  known.basicSecret = basic.clientSecret!;
  known.postClientId = post.application.clientId;
  known.postSecret = post.clientSecret!;
  known.publicClientId = pub.application.clientId;
  known.initialAccessToken = (await createInitialAccessToken(admin, "fuzz")).token;
  const issued = await tokenEndpoint.POST(
    request("POST", "/oauth2/token", { authorization: basicHeader(known.basicClientId, known.basicSecret), "content-type": "application/x-www-form-urlencoded" }, "grant_type=client_credentials&scope=reports%3Aread"),
  );
  known.accessToken = JSON.parse(issued.body!).access_token;
  expect(known.accessToken).toBeTruthy();
});

// --- requests ------------------------------------------------------------------------------------

/** A request as the fast path or Next hands it to an endpoint: any header text, the body as text. */
function request(method: string, pathAndQuery: string, headers: Record<string, string>, body = ""): EndpointRequest & Request {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const url = `http://localhost:3000${pathAndQuery}`;
  const fake = {
    method,
    url,
    headers: { get: (name: string) => lower.get(name.toLowerCase()) ?? null, has: (name: string) => lower.has(name.toLowerCase()) },
    text: async () => body,
    json: async () => JSON.parse(body),
    formData: async () => new Response(body, { headers: { "content-type": lower.get("content-type") ?? "" } }).formData(),
  };
  return fake as unknown as EndpointRequest & Request;
}

/** RFC 6749 §2.3.1: id and secret form-encoded, joined, base64-encoded (a lone surrogate goes raw). */
function basicHeader(id: string, secret: string): string {
  const encode = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return s; // URIError: a lone surrogate
    }
  };
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString("base64")}`;
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");

// --- arbitraries ---------------------------------------------------------------------------------

const HOSTILE = [
  "\u0000",
  "a\u0000b",
  "\u0000".repeat(8),
  "%00",
  "%",
  "%zz",
  "%FF%FE",
  "%C3%28",
  "%ED%A0%80",
  "\uD800",
  "\uDFFF",
  "\uFFFD",
  "\uFEFF",
  "\u202E",
  "\u0007\u001b[2J",
  "\r\n",
  "😀",
  "' OR '1'='1",
  "\\",
  '"',
  "__proto__",
  "constructor",
  "toString",
  "null",
  "[]",
  "{}",
  "-1",
  "1e309",
  "x".repeat(101),
  "x".repeat(5000),
];

/** Header text as Node delivers it: tab, printable ASCII and latin-1 (never NUL, CR or LF). */
const headerChar = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c));
const headerText = fc.string({ unit: headerChar, maxLength: 60 });

const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  // The byte PostgreSQL refuses in text ("invalid byte sequence for encoding UTF8: 0x00").
  fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`),
);

function validPieces(): string[] {
  return [
    known.basicClientId,
    known.postClientId,
    known.publicClientId,
    known.basicSecret,
    known.postSecret,
    known.accessToken,
    REDIRECT,
    "openid",
    "openid profile email offline_access",
    "reports:read",
    "code",
    "S256",
    "plain",
    "authorization_code",
    "refresh_token",
    "client_credentials",
    DEVICE_CODE_GRANT,
    "access_token",
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "none",
    "login",
    "form_post",
    "",
  ];
}

/** A string that is sometimes a real value, sometimes a real value with a hostile edit, sometimes anything. */
function value(): fc.Arbitrary<string> {
  const valid = fc.constantFrom(...validPieces());
  const control = fc.constantFrom("\u0000", "\u0000", "\u0001", "\t", "\n", "\u001f", "\u007f", "\u0085", "\u2028");
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 3, arbitrary: hostile },
    { weight: 2, arbitrary: fc.tuple(valid, hostile, fc.boolean()).map(([v, h, front]) => (front ? h + v : v + h)) },
    // A real value with a control character (mostly NUL) somewhere inside.
    { weight: 3, arbitrary: fc.tuple(valid, control, fc.nat()).map(([v, c, at]) => v.slice(0, at % (v.length + 1)) + c + v.slice(at % (v.length + 1))) },
    { weight: 2, arbitrary: jwtLike() },
  );
}

/** A JWT-shaped token whose header and claims are hostile (the endpoints read claims before verifying). */
function jwtLike(): fc.Arbitrary<string> {
  const claim = fc.oneof(fc.constantFrom(...validPieces()), hostile, fc.integer(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }));
  const header = fc.record({ alg: fc.constantFrom("ES256", "RS256", "none", "HS256", "\u0000"), typ: fc.constantFrom("at+jwt", "JWT", "\u0000"), kid: claim }, { requiredKeys: ["alg"] });
  const payload = fc.record(
    {
      jti: claim,
      sub: claim,
      client_id: claim,
      iss: claim,
      aud: claim,
      scope: claim,
      gty: fc.constantFrom("client_credentials", "\u0000"),
      sid: claim,
      exp: fc.oneof(fc.integer(), fc.constant(Math.floor(Date.now() / 1000) + 600)),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(header, payload, fc.oneof(fc.string({ maxLength: 20 }), fc.constant("")), fc.boolean())
    .map(([h, p, sig, raw]) => `${b64url(JSON.stringify(h))}.${raw ? JSON.stringify(p) : b64url(JSON.stringify(p))}.${b64url(sig)}`);
}

type Pairs = [string, string][];

/** Parameter pairs (repeats allowed) over the endpoint's own names and a few others. */
function pairs(names: string[]): fc.Arbitrary<Pairs> {
  const name = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: hostile });
  return fc.array(fc.tuple(name, value()), { maxLength: 8 });
}

/**
 * A valid request with one edit (sometimes two or three): mostly a value replaced, else a parameter
 * dropped, repeated or added. This is what gets past the first checks to the lookups behind them.
 */
function mutated(templates: Pairs[], names: string[]): fc.Arbitrary<Pairs> {
  const op = fc.oneof({ weight: 8, arbitrary: fc.constant("replace") }, { weight: 1, arbitrary: fc.constantFrom("drop", "repeat", "add") });
  const edit = fc.record({ op, at: fc.nat(), name: fc.constantFrom(...names), value: value() });
  const edits = fc.oneof({ weight: 3, arbitrary: fc.array(edit, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(edit, { minLength: 2, maxLength: 3 }) });
  return fc.tuple(fc.constantFrom(...templates), edits).map(([template, edits]) => {
    const out: Pairs = template.map(([k, v]) => [k, v]);
    for (const e of edits) {
      const i = out.length ? e.at % out.length : 0;
      if (e.op === "add" || !out.length) out.push([e.name, e.value]);
      else if (e.op === "replace") out[i] = [out[i]![0], e.value];
      else if (e.op === "drop") out.splice(i, 1);
      else out.push([out[i]![0], e.value]);
    }
    return out;
  });
}

function urlencoded(p: Pairs): string {
  const q = new URLSearchParams();
  for (const [k, v] of p) q.append(k, v);
  return q.toString();
}

/** Bodies: well-formed forms, forms with raw broken escapes spliced in, JSON, random text, huge ones. */
function encodedBody(params: fc.Arbitrary<Pairs>): fc.Arbitrary<string> {
  const broken = fc.array(fc.constantFrom("%00", "%FF", "%zz", "%", "&", "=", "+", "%C3%28", "%ED%A0%80", "%E2%82", "\u0000", "&&==", ";"), { maxLength: 6 });
  return fc.oneof(
    { weight: 8, arbitrary: params.map(urlencoded) },
    { weight: 2, arbitrary: fc.tuple(params, broken).map(([p, junk]) => `${urlencoded(p)}&${junk.join("")}`) },
    { weight: 1, arbitrary: params.map((p) => JSON.stringify(Object.fromEntries(p))) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom("", `client_id=${"A".repeat(70_000)}`, `${"a=1&".repeat(20_000)}`) },
  );
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/x-www-form-urlencoded") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/x-www-form-urlencoded; charset=utf-8",
      "APPLICATION/X-WWW-FORM-URLENCODED",
      "application/x-www-form-urlencoded; charset=latin1",
      "application/json",
      "multipart/form-data; boundary=x",
      "multipart/form-data",
      "text/plain",
      "",
      ";",
    ),
  },
  { weight: 1, arbitrary: headerText },
);

/** Authorization headers: real Basic credentials, Basic with hostile ids and secrets, broken base64, Bearer. */
function authorization(): fc.Arbitrary<string | undefined> {
  const id = fc.oneof(fc.constantFrom(known.basicClientId, known.postClientId, known.publicClientId), hostile, fc.tuple(fc.constantFrom(known.basicClientId), hostile).map(([a, b]) => a + b));
  const secret = fc.oneof(fc.constantFrom(known.basicSecret, known.postSecret), hostile);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.tuple(id, secret).map(([i, s]) => basicHeader(i, s)) },
    // Not percent-encoded first: a raw NUL, colon or non-ASCII byte straight in the credentials.
    { weight: 3, arbitrary: fc.tuple(id, secret).map(([i, s]) => `Basic ${Buffer.from(`${i}:${s}`).toString("base64")}`) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => `Basic ${Buffer.from(b).toString("base64")}`) },
    { weight: 1, arbitrary: fc.constantFrom("Basic", "Basic ", "Basic ====", "Basic %%%", "Basic AA", "basic  YTpi", "Bearer", `Bearer ${"A".repeat(5000)}`) },
    { weight: 2, arbitrary: fc.oneof(jwtLike(), fc.constant(known.accessToken), fc.constant(known.initialAccessToken)).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: headerText },
  );
}

/** Other headers the endpoints read: the session cookie, client address, fetch metadata. */
const otherHeaders = fc.record(
  {
    cookie: fc.oneof(headerText, headerText.map((v) => `portico.session=${v}`), fc.constant("portico.session=%E0%A4%A")),
    "x-portico-client-ip": fc.oneof(headerText, fc.constantFrom("127.0.0.1", "::1", "999.1.1.1", "fe80::1%eth0")),
    "x-forwarded-for": headerText,
    "user-agent": headerText,
    origin: fc.oneof(headerText, fc.constant("http://localhost:3000")),
    "sec-fetch-mode": fc.constantFrom("navigate", "cors", "no-cors"),
    "sec-fetch-dest": fc.constantFrom("document", "empty"),
    rsc: fc.constant("1"),
  },
  { requiredKeys: [] },
);

interface FuzzRequest {
  method: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

function requests(target: Target): fc.Arbitrary<FuzzRequest> {
  const params = fc.oneof({ weight: 1, arbitrary: pairs(target.names) }, { weight: 2, arbitrary: mutated(target.templates?.() ?? [[]], target.names) });
  const auth = target.auth ? fc.oneof({ weight: 1, arbitrary: fc.constant(target.auth()) }, { weight: 1, arbitrary: authorization() }) : authorization();
  return fc
    .record({
      method: fc.constantFrom(...Object.keys(target.methods)),
      params,
      body: encodedBody(params),
      extraQuery: fc.oneof(fc.constant(""), pairs(target.names).map(urlencoded), fc.constantFrom("%", "%00=%00", "a=%FF", "&&&", "interaction=%00")),
      authorization: auth,
      contentType: fc.oneof({ weight: 4, arbitrary: fc.constant("application/x-www-form-urlencoded") }, { weight: 1, arbitrary: fc.option(contentType, { nil: undefined }) }),
      others: otherHeaders,
    })
    .map(({ method, params: p, body: text, extraQuery, authorization: a, contentType: type, others }) => {
      const get = method === "GET" || method === "OPTIONS";
      return {
        method,
        query: get ? urlencoded(p) : extraQuery,
        headers: { ...others, ...(a === undefined ? {} : { authorization: a }), ...(type === undefined ? {} : { "content-type": type }) },
        body: get ? "" : text,
      };
    });
}

// --- the properties --------------------------------------------------------------------------------

type Handler = (req: EndpointRequest & Request) => EndpointResult | Response | Promise<EndpointResult | Response>;

interface Target {
  path: string;
  methods: Partial<Record<string, Handler>>;
  /** Parameter names of the query and the body. */
  names: string[];
  /** Valid requests (parameter lists) that the fuzz edits. */
  templates?: () => Pairs[];
  /** The valid Authorization header of the templates. */
  auth?: () => string;
  /** Tables a successful request may write (anything else, and any write on a refusal, fails). */
  writesOnSuccess?: string[];
}

const CLIENT_AUTH = ["client_id", "client_secret", "client_assertion", "client_assertion_type"];
const asHandler = (f: unknown) => f as Handler;

const VERIFIER = "v".repeat(43);
const CHALLENGE = crypto.createHash("sha256").update(VERIFIER).digest("base64url");

const TARGETS: Target[] = [
  {
    path: "/oauth2/token",
    methods: { POST: asHandler(tokenEndpoint.POST), OPTIONS: asHandler(tokenEndpoint.OPTIONS) },
    names: [...CLIENT_AUTH, "grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "device_code", "resource"],
    templates: () => [
      [["grant_type", "client_credentials"], ["scope", "reports:read"]],
      [["grant_type", "authorization_code"], ["code", "x".repeat(43)], ["redirect_uri", REDIRECT], ["code_verifier", VERIFIER], ["client_id", known.publicClientId]],
      [["grant_type", "refresh_token"], ["refresh_token", "x".repeat(43)], ["client_id", known.postClientId], ["client_secret", known.postSecret]],
      [["grant_type", DEVICE_CODE_GRANT], ["device_code", "x".repeat(43)], ["client_id", known.publicClientId]],
    ],
    auth: () => basicHeader(known.basicClientId, known.basicSecret),
  },
  {
    path: "/oauth2/introspect",
    methods: { POST: asHandler(introspectEndpoint.POST) },
    names: [...CLIENT_AUTH, "token", "token_type_hint"],
    templates: () => [[["token", known.accessToken]], [["token", known.accessToken], ["token_type_hint", "refresh_token"]]],
    auth: () => basicHeader(known.basicClientId, known.basicSecret),
  },
  {
    path: "/oauth2/revoke",
    methods: { POST: asHandler(revokeEndpoint.POST), OPTIONS: asHandler(revokeEndpoint.OPTIONS) },
    names: [...CLIENT_AUTH, "token", "token_type_hint"],
    // Never the real token: revocation answers 200 either way, so only "nothing changed" tells them apart.
    templates: () => [[["token", "x".repeat(43)], ["token_type_hint", "access_token"]], [["token", "x".repeat(43)], ["client_id", known.publicClientId]]],
    auth: () => basicHeader(known.basicClientId, known.basicSecret),
  },
  {
    path: "/oauth2/userinfo",
    methods: { GET: asHandler(userinfoEndpoint.GET), POST: asHandler(userinfoEndpoint.POST), OPTIONS: asHandler(userinfoEndpoint.OPTIONS) },
    names: ["access_token"],
    templates: () => [[], [["access_token", known.accessToken]]],
    auth: () => `Bearer ${known.accessToken}`,
  },
  {
    path: "/oauth2/authorize",
    methods: { GET: asHandler(authorizeEndpoint.GET), POST: asHandler(authorizeEndpoint.POST) },
    names: ["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "prompt", "max_age", "login_hint", "acr_values", "response_mode", "request", "request_uri", "ui_locales", "interaction", "_consented"],
    templates: () => [
      [["client_id", known.basicClientId], ["redirect_uri", REDIRECT], ["response_type", "code"], ["scope", "openid profile"], ["state", "s"], ["nonce", "n"], ["code_challenge", CHALLENGE], ["code_challenge_method", "S256"]],
      [["client_id", known.publicClientId], ["redirect_uri", REDIRECT], ["response_type", "code"], ["scope", "openid"], ["code_challenge", CHALLENGE], ["code_challenge_method", "S256"], ["login_hint", "ada@example.com"], ["prompt", "login"], ["max_age", "60"], ["acr_values", "urn:portico:txn:value:5000"]],
      [["interaction", "x".repeat(32)]],
    ],
    // A well-formed request from a known client is saved as an interaction until the user signs in.
    writesOnSuccess: ["AuthorizationRequest"],
  },
  { path: "/oauth2/jwks", methods: { GET: asHandler(jwksEndpoint.GET) }, names: ["x"] },
  { path: "/.well-known/openid-configuration", methods: { GET: asHandler(discoveryEndpoint.GET) }, names: ["x"] },
  {
    path: "/oauth2/device_authorization",
    methods: { POST: asHandler(deviceEndpoint.POST) },
    names: [...CLIENT_AUTH, "scope"],
    templates: () => [[["client_id", known.publicClientId], ["scope", "openid profile"]], [["scope", "openid offline_access"]]],
    auth: () => basicHeader(known.basicClientId, known.basicSecret),
    // A valid request starts a device authorization (RFC 8628 §3.2), audited.
    writesOnSuccess: ["DeviceAuthorization", "AuditEvent"],
  },
  {
    path: "/oauth2/register",
    methods: { POST: asHandler(registerEndpoint.POST) },
    names: ["redirect_uris", "client_name", "token_endpoint_auth_method", "grant_types", "jwks", "scope"],
    // With the real initial access token and valid metadata, a client is registered (RFC 7591 §3.2.1).
    writesOnSuccess: ["Application", "AuditEvent", "InitialAccessToken"],
  },
  {
    path: "/oauth2/logout",
    methods: { GET: asHandler(logoutEndpoint.GET), POST: asHandler(logoutEndpoint.POST) },
    names: ["id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales", "logout_hint", "_portico_logout"],
    templates: () => [[["client_id", known.basicClientId], ["post_logout_redirect_uri", REDIRECT], ["state", "s"]], [["id_token_hint", known.accessToken], ["post_logout_redirect_uri", REDIRECT]]],
  },
  {
    path: "/consent/decision",
    methods: { POST: asHandler(consentDecisionRoute.POST) },
    names: ["interaction", "decision"],
    templates: () => [[["interaction", "x".repeat(32)], ["decision", "allow"]]],
  },
];

async function send(target: Target, r: FuzzRequest): Promise<{ status: number; location: string | null }> {
  const handler = target.methods[r.method];
  if (!handler) throw new Error(`no ${r.method} handler for ${target.path}`);
  cookieJar.header = r.headers.cookie ?? "";
  const result = await handler(request(r.method, `${target.path}${r.query ? `?${r.query}` : ""}`, r.headers, r.body));
  const location = result instanceof Response ? result.headers.get("location") : (result.headers.Location ?? result.headers.location ?? null);
  // A POST that re-enters the endpoint as a GET (authorize, logout: RFC 6749 §3.1, RP-Initiated
  // Logout §2) is followed, as the browser would.
  const reentry = result.status === 303 && location?.startsWith(`${target.path}?`) && target.methods.GET;
  if (reentry) return send(target, { method: "GET", query: location!.slice(target.path.length + 1), headers: r.headers, body: "" });
  return { status: result.status, location };
}

/** A refusal: an error status, or a redirect to an error page or with an OAuth error for the client. */
function refused(res: { status: number; location: string | null }): boolean {
  if (res.status >= 400) return true;
  const loc = res.location ?? "";
  return /error/.test(loc) || /[?&]error=/.test(loc);
}

let baseline: DbSnapshot | undefined;

describe("fuzzing the protocol endpoints: never a 5xx, never a change in the database on a refusal", () => {
  for (const target of TARGETS) {
    it(`${target.path} (${Object.keys(target.methods).join(", ")})`, async () => {
      baseline ??= await snapshotDatabase();
      const arb = target.path === "/oauth2/register" ? registrationRequests() : requests(target);
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          const before = baseline!;
          const res = await send(target, r);
          expect(res.status, `status of ${r.method} ${target.path}`).toBeLessThan(500);
          const after = await snapshotDatabase();
          const changed = changedTables(before, after);
          baseline = after;
          if (changed.length === 0) return;
          const allowed = !refused(res) && changed.every((t) => target.writesOnSuccess?.includes(t));
          expect(allowed, `${r.method} ${target.path} answered ${res.status} ${res.location ?? ""} and changed ${changed.join(", ")}`).toBe(true);
        }),
        { numRuns: RUNS, seed: SEED + crypto.createHash("sha256").update(target.path).digest().readUInt16BE(0) },
      );
    });
  }
});

// Registration (RFC 7591 §3.1): JSON bodies with hostile metadata in every member, mostly sent with the
// real initial access token so that they reach the metadata checks.
function registrationRequests(): fc.Arbitrary<FuzzRequest> {
  const member = fc.oneof(value(), fc.array(value(), { maxLength: 3 }), fc.integer(), fc.constant(null), fc.dictionary(hostile, value(), { maxKeys: 2 }));
  const metadata = fc.record(
    {
      redirect_uris: fc.oneof(fc.constant([REDIRECT]), fc.array(value(), { maxLength: 3 }), member),
      client_name: member,
      token_endpoint_auth_method: fc.oneof(fc.constantFrom("client_secret_basic", "none", "private_key_jwt"), member),
      grant_types: member,
      response_types: member,
      jwks: member,
      scope: member,
      post_logout_redirect_uris: member,
      backchannel_logout_uri: member,
      logo_uri: member,
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      auth: fc.oneof({ weight: 3, arbitrary: fc.constant(`Bearer ${known.initialAccessToken}`) }, { weight: 1, arbitrary: authorization() }),
      type: fc.oneof({ weight: 3, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: contentType }),
      body: fc.oneof({ weight: 3, arbitrary: metadata.map((m) => JSON.stringify(m)) }, { weight: 1, arbitrary: encodedBody(pairs(["redirect_uris", "client_name"])) }),
      others: otherHeaders,
    })
    .map(({ auth, type, body: text, others }) => ({
      method: "POST",
      query: "",
      headers: { ...others, ...(auth === undefined ? {} : { authorization: auth }), "content-type": type },
      body: text,
    }));
}

// --- the 500s the first fuzz found, pinned (PostgreSQL refused a NUL byte that reached a query) ----

const FORM = "application/x-www-form-urlencoded";
const NUL_JWT = `${b64url(JSON.stringify({ alg: "ES256", typ: "at+jwt" }))}.${b64url(JSON.stringify({ jti: "a\u0000b", sub: "\u0000", client_id: "\u0000", scope: "openid", exp: 4102444800 }))}.c2ln`;
const nulBasic = () => basicHeader("\u0000", known.basicSecret);
const rawNulBasic = () => `Basic ${Buffer.from(`\u0000:${known.basicSecret}`).toString("base64")}`;
const validBasic = () => basicHeader(known.basicClientId, known.basicSecret);

async function call(handler: Handler, method: string, path: string, headers: Record<string, string>, text = "") {
  const result = await handler(request(method, path, headers, text));
  if (result instanceof Response) return { status: result.status, location: result.headers.get("location"), body: await result.text(), headers: Object.fromEntries(result.headers) };
  return { status: result.status, location: result.headers.Location ?? null, body: result.body ?? "", headers: Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k.toLowerCase(), v])) };
}

describe("malformed identifiers and tokens never reach the database", () => {
  describe.each([
    ["/oauth2/token", asHandler(tokenEndpoint.POST), "grant_type=client_credentials"],
    ["/oauth2/introspect", asHandler(introspectEndpoint.POST), "token=abc"],
    ["/oauth2/revoke", asHandler(revokeEndpoint.POST), "token=abc"],
    ["/oauth2/device_authorization", asHandler(deviceEndpoint.POST), "scope=openid"],
  ])("%s: a client id with a NUL byte is invalid_client", (path, handler, form) => {
    it.each([
      ["in Basic credentials, percent-encoded", () => ({ authorization: nulBasic() }), form],
      ["in Basic credentials, raw", () => ({ authorization: rawNulBasic() }), form],
      ["with the real id and a NUL after it", () => ({ authorization: basicHeader(`${known.basicClientId}\u0000`, known.basicSecret) }), form],
      ["in the form (client_secret_post)", () => ({}), `${form}&client_id=%00&client_secret=x`],
      ["in the form (public client)", () => ({}), `${form}&client_id=${encodeURIComponent(`${known.publicClientId}\u0000`)}`],
    ])("%s", async (_how, headers, text) => {
      const res = await call(handler, "POST", path, { "content-type": FORM, ...headers() }, text);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_client" });
    });

    it("in a client assertion's sub and iss", async () => {
      const assertion = `${b64url(JSON.stringify({ alg: "ES256" }))}.${b64url(JSON.stringify({ iss: "\u0000", sub: "\u0000", aud: "x", exp: 4102444800, jti: "j" }))}.c2ln`;
      const body = `${form}&client_assertion_type=${encodeURIComponent("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")}&client_assertion=${assertion}`;
      const res = await call(handler, "POST", path, { "content-type": FORM }, body);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_client" });
    });
  });

  it.each([
    ["a NUL byte", "%00"],
    ["a JWT whose jti, sub and client_id hold NUL bytes", NUL_JWT],
    ["an over-long token", "A".repeat(5000)],
  ])("introspection reports a token with %s inactive", async (_what, token) => {
    const res = await call(asHandler(introspectEndpoint.POST), "POST", "/oauth2/introspect", { "content-type": FORM, authorization: validBasic() }, `token=${token}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ active: false });
  });

  it.each([
    ["a NUL byte", "%00"],
    ["a JWT whose jti, sub and client_id hold NUL bytes", NUL_JWT],
  ])("revocation answers 200 for a token with %s (RFC 7009 §2.2)", async (_what, token) => {
    const res = await call(asHandler(revokeEndpoint.POST), "POST", "/oauth2/revoke", { "content-type": FORM, authorization: validBasic() }, `token=${token}`);
    expect(res.status).toBe(200);
  });

  it("UserInfo refuses a JWT whose claims hold NUL bytes with invalid_token", async () => {
    const res = await call(asHandler(userinfoEndpoint.GET), "GET", "/oauth2/userinfo", { authorization: `Bearer ${NUL_JWT}` });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: "invalid_token" });
    const posted = await call(asHandler(userinfoEndpoint.POST), "POST", "/oauth2/userinfo", { "content-type": FORM }, "access_token=%00");
    expect(posted.status).toBe(401);
  });

  it.each(["%00", "abc%00def", encodeURIComponent("x".repeat(200))])("authorize treats interaction=%s as an expired interaction", async (id) => {
    const res = await call(asHandler(authorizeEndpoint.GET), "GET", `/oauth2/authorize?interaction=${id}`, {});
    expect(res.status).toBe(302);
    expect(res.location).toBe("/authorize-error?reason=expired_interaction");
  });

  it("authorize refuses a client_id with a NUL byte on Portico's error page", async () => {
    const res = await call(asHandler(authorizeEndpoint.GET), "GET", `/oauth2/authorize?client_id=%00&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid`, {});
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/authorize-error\?reason=/);
  });

  it.each(["state", "nonce", "login_hint", "acr_values", "ui_locales"])("authorize refuses a NUL byte in %s (stored with the interaction) on Portico's error page", async (name) => {
    const q = new URLSearchParams({ client_id: known.basicClientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", code_challenge: CHALLENGE, code_challenge_method: "S256" });
    q.set(name, `${q.get(name) ?? "x"}\u0000`);
    const res = await call(asHandler(authorizeEndpoint.GET), "GET", `/oauth2/authorize?${q}`, {});
    expect(res.status).toBe(302);
    expect(res.location).toBe("/authorize-error?reason=malformed_request");
  });

  it("RP-initiated logout refuses a client_id with a NUL byte on its error page", async () => {
    const res = await call(asHandler(logoutEndpoint.GET), "GET", "/oauth2/logout?client_id=%00", {});
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/logout\/error\?reason=/);
  });

  it.each([
    ["client_name", { client_name: "a\u0000b", redirect_uris: [REDIRECT] }],
    ["a JWK member", { redirect_uris: [REDIRECT], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [{ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", note: "\u0000" }] } }],
    ["a redirect URI", { redirect_uris: ["https://rp.example.com/cb\u0000"] }],
  ])("registration refuses a NUL byte in %s with invalid_client_metadata or invalid_redirect_uri", async (_where, metadata) => {
    const res = await call(asHandler(registerEndpoint.POST), "POST", "/oauth2/register", { "content-type": "application/json", authorization: `Bearer ${known.initialAccessToken}` }, JSON.stringify(metadata));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/^invalid_(client_metadata|redirect_uri)$/);
  });
});
