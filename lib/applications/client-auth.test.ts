import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { useTestDatabase } from "@/test/db";
import {
  authenticateClient,
  authenticateClientWithMethod,
  ClientAuthError,
  createApplication,
  rotateClientSecret,
  setApplicationDisabled,
  type ClientAuthRequest,
} from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const ISSUER = "https://id.example.com";
const TOKEN_URL = "https://id.example.com/oauth2/token";
const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const redirectUris = ["https://rp.example.com/cb"];

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const req = (r: Partial<ClientAuthRequest>): ClientAuthRequest => ({ body: {}, tokenEndpointUrl: TOKEN_URL, issuer: ISSUER, ...r });

async function failure(r: ClientAuthRequest): Promise<ClientAuthError> {
  const e = await authenticateClient(r).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ClientAuthError);
  return e as ClientAuthError;
}

let basicClient: { clientId: string; id: string; secret: string };
let postClient: { clientId: string; secret: string };
let publicClient: { clientId: string };

beforeAll(async () => {
  const b = await createApplication(admin, { name: "Basic", type: "confidential", redirectUris }, {});
  basicClient = { clientId: b.application.clientId, id: b.application.id, secret: b.clientSecret! };
  const p = await createApplication(admin, { name: "Post", type: "confidential", redirectUris, tokenEndpointAuthMethod: "client_secret_post" }, {});
  postClient = { clientId: p.application.clientId, secret: p.clientSecret! };
  const pub = await createApplication(admin, { name: "SPA", type: "public", redirectUris }, {});
  publicClient = { clientId: pub.application.clientId };
});

describe("client_secret_basic (RFC 6749 §2.3.1)", () => {
  it("authenticates with the registered secret", async () => {
    const r = await authenticateClientWithMethod(req({ authorizationHeader: basic(basicClient.clientId, basicClient.secret) }));
    expect(r.method).toBe("client_secret_basic");
    expect(r.client).toMatchObject({ clientId: basicClient.clientId, name: "Basic" });
    expect(r.client).not.toHaveProperty("clientSecretHash");
  });

  it("form-url-decodes the id and the secret", async () => {
    const everyChar = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
    const header = `Basic ${Buffer.from(`${everyChar(basicClient.clientId)}:${everyChar(basicClient.secret)}`).toString("base64")}`;
    expect((await authenticateClient(req({ authorizationHeader: header }))).clientId).toBe(basicClient.clientId);
  });

  it("answers a wrong secret and an unknown client alike: invalid_client, 401, Basic challenge", async () => {
    const wrong = await failure(req({ authorizationHeader: basic(basicClient.clientId, "wrong-secret") }));
    const unknown = await failure(req({ authorizationHeader: basic("no-such-client", basicClient.secret) }));
    for (const e of [wrong, unknown]) {
      expect(e.error).toBe("invalid_client");
      expect(e.status).toBe(401);
      expect(e.headers["WWW-Authenticate"]).toBe('Basic realm="portico"');
    }
    expect(wrong.toJSON()).toEqual(unknown.toJSON());
  });

  it.each([
    ["no colon", `Basic ${Buffer.from("just-an-id").toString("base64")}`],
    ["broken percent-encoding", `Basic ${Buffer.from("%E0%A4%A:secret").toString("base64")}`],
    ["an empty secret", `Basic ${Buffer.from("id:").toString("base64")}`],
    ["another scheme", "Bearer abc"],
  ])("refuses %s", async (_why, header) => {
    expect((await failure(req({ authorizationHeader: header }))).error).toBe("invalid_client");
  });

  it("refuses a body client_id naming another client", async () => {
    const e = await failure(req({ authorizationHeader: basic(basicClient.clientId, basicClient.secret), body: { client_id: postClient.clientId } }));
    expect(e.error).toBe("invalid_client");
  });

  it("refuses the method the client did not register", async () => {
    const e = await failure(req({ authorizationHeader: basic(postClient.clientId, postClient.secret) }));
    expect(e.error).toBe("invalid_client");
  });
});

describe("client_secret_post", () => {
  it("authenticates with client_id and client_secret in the body", async () => {
    const c = await authenticateClient(req({ body: { client_id: postClient.clientId, client_secret: postClient.secret, grant_type: "client_credentials" } }));
    expect(c.clientId).toBe(postClient.clientId);
  });

  it("refuses a wrong secret without a Basic challenge", async () => {
    const e = await failure(req({ body: { client_id: postClient.clientId, client_secret: "nope" } }));
    expect(e).toMatchObject({ error: "invalid_client", status: 401 });
    expect(e.headers["WWW-Authenticate"]).toBeUndefined();
  });

  it("refuses a basic-registered client posting its secret", async () => {
    expect((await failure(req({ body: { client_id: basicClient.clientId, client_secret: basicClient.secret } }))).error).toBe("invalid_client");
  });
});

describe("one method per request (RFC 6749 §2.3)", () => {
  it("refuses Basic and a body secret together as invalid_request", async () => {
    const e = await failure(req({ authorizationHeader: basic(basicClient.clientId, basicClient.secret), body: { client_id: basicClient.clientId, client_secret: basicClient.secret } }));
    expect(e).toMatchObject({ error: "invalid_request", status: 400 });
  });

  it("refuses a body secret and an assertion together", async () => {
    const e = await failure(req({ body: { client_id: postClient.clientId, client_secret: postClient.secret, client_assertion: "x.y.z", client_assertion_type: JWT_BEARER } }));
    expect(e.error).toBe("invalid_request");
  });

  it("treats empty parameters as omitted (RFC 6749 §3.1)", async () => {
    const c = await authenticateClient(req({ body: { client_id: publicClient.clientId, client_secret: "", client_assertion: "" } }));
    expect(c.clientId).toBe(publicClient.clientId);
  });
});

describe("none (public clients)", () => {
  it("identifies a public client by client_id", async () => {
    const r = await authenticateClientWithMethod(req({ body: { client_id: publicClient.clientId } }));
    expect(r).toMatchObject({ method: "none", client: { type: "public" } });
  });

  it("refuses a confidential client that sends no credentials", async () => {
    expect((await failure(req({ body: { client_id: basicClient.clientId } }))).error).toBe("invalid_client");
  });

  it("refuses a request that names no client at all", async () => {
    expect((await failure(req({ body: { grant_type: "authorization_code" } }))).error).toBe("invalid_client");
  });

  it("refuses a public client trying a secret", async () => {
    expect((await failure(req({ authorizationHeader: basic(publicClient.clientId, "anything") }))).error).toBe("invalid_client");
  });
});

describe("disabled clients and rotated secrets", () => {
  it("refuses a disabled client, and takes it back once enabled", async () => {
    const { application, clientSecret } = await createApplication(admin, { name: "Disabled", type: "confidential", redirectUris }, {});
    await setApplicationDisabled(admin, application.id, true, {});
    expect((await failure(req({ authorizationHeader: basic(application.clientId, clientSecret!) }))).error).toBe("invalid_client");
    await setApplicationDisabled(admin, application.id, false, {});
    expect((await authenticateClient(req({ authorizationHeader: basic(application.clientId, clientSecret!) }))).clientId).toBe(application.clientId);
  });

  it("stops accepting the old secret the moment it is rotated", async () => {
    const { application, clientSecret: old } = await createApplication(admin, { name: "Rotating", type: "confidential", redirectUris }, {});
    const { clientSecret: fresh } = await rotateClientSecret(admin, application.id, {});
    expect((await failure(req({ authorizationHeader: basic(application.clientId, old!) }))).error).toBe("invalid_client");
    expect((await authenticateClient(req({ authorizationHeader: basic(application.clientId, fresh) }))).clientId).toBe(application.clientId);
  });
});

describe("private_key_jwt (RFC 7523 §3, OIDC Core §9)", () => {
  let key: CryptoKey;
  let clientId: string;

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256");
    key = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", use: "sig", alg: "ES256" };
    const created = await createApplication(admin, { name: "JWT client", type: "confidential", redirectUris, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [jwk] } }, {});
    clientId = created.application.clientId;
  });

  function assertion(opts: { aud?: string | string[]; exp?: number; iss?: string; sub?: string; jti?: string | null; signWith?: CryptoKey; alg?: string } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { jti: opts.jti === undefined ? crypto.randomUUID() : opts.jti ?? undefined };
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: opts.alg ?? "ES256", kid: "k1" })
      .setIssuer(opts.iss ?? clientId)
      .setSubject(opts.sub ?? clientId)
      .setAudience(opts.aud ?? TOKEN_URL)
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 60);
    return jwt.sign(opts.signWith ?? key);
  }
  const body = (client_assertion: string, extra: Record<string, string> = {}) => ({ client_assertion, client_assertion_type: JWT_BEARER, grant_type: "client_credentials", ...extra });

  it("accepts a fresh assertion for the token endpoint and records its jti until it expires", async () => {
    const jti = crypto.randomUUID();
    const exp = Math.floor(Date.now() / 1000) + 120;
    const r = await authenticateClientWithMethod(req({ body: body(await assertion({ jti, exp }), { client_id: clientId }) }));
    expect(r).toMatchObject({ method: "private_key_jwt", client: { clientId } });
    const used = await t.db().usedJti.findMany();
    expect(used.some((u) => u.expiresAt.getTime() >= exp * 1000)).toBe(true);
    expect(used.some((u) => u.jti.includes(jti))).toBe(false); // namespaced and hashed
  });

  it("accepts the issuer, or an audience list containing the token endpoint", async () => {
    expect((await authenticateClient(req({ body: body(await assertion({ aud: ISSUER })) }))).clientId).toBe(clientId);
    expect((await authenticateClient(req({ body: body(await assertion({ aud: ["https://other.example", TOKEN_URL] })) }))).clientId).toBe(clientId);
  });

  it("refuses a replayed assertion (same jti)", async () => {
    const a = await assertion();
    await authenticateClient(req({ body: body(a) }));
    expect((await failure(req({ body: body(a) }))).error).toBe("invalid_client");
    const sameJti = await assertion({ jti: "fixed-jti" });
    await authenticateClient(req({ body: body(sameJti) }));
    expect((await failure(req({ body: body(await assertion({ jti: "fixed-jti" })) }))).error).toBe("invalid_client");
  });

  it.each([
    ["a wrong audience", { aud: "https://evil.example/token" }],
    ["an expired assertion", { exp: Math.floor(Date.now() / 1000) - 120 }],
    ["an assertion valid for an hour", { exp: Math.floor(Date.now() / 1000) + 3600 }],
    ["no jti", { jti: null }],
    ["iss different from sub", { iss: "someone-else" }],
    ["an unknown client", { iss: "unknown-client", sub: "unknown-client" }],
  ])("refuses %s", async (_why, opts) => {
    const e = await failure(req({ body: body(await assertion(opts)) }));
    expect(e).toMatchObject({ error: "invalid_client", status: 401 });
  });

  it("refuses an assertion signed by another key", async () => {
    const other = await generateKeyPair("ES256");
    expect((await failure(req({ body: body(await assertion({ signWith: other.privateKey })) }))).error).toBe("invalid_client");
  });

  it("refuses alg none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "none" })}.${b64({ iss: clientId, sub: clientId, aud: TOKEN_URL, exp: now + 60, jti: crypto.randomUUID() })}.`;
    expect((await failure(req({ body: body(unsigned) }))).error).toBe("invalid_client");
  });

  it("refuses HS256, even keyed with something the attacker could know", async () => {
    const secret = new TextEncoder().encode(JSON.stringify({ kty: "EC" }).padEnd(32, "x"));
    const now = Math.floor(Date.now() / 1000);
    const hs = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: "HS256" }).setIssuer(clientId).setSubject(clientId).setAudience(TOKEN_URL).setExpirationTime(now + 60).sign(secret);
    expect((await failure(req({ body: body(hs) }))).error).toBe("invalid_client");
  });

  it("refuses a body client_id naming another client", async () => {
    expect((await failure(req({ body: body(await assertion(), { client_id: basicClient.clientId }) }))).error).toBe("invalid_client");
  });

  it("refuses another assertion type, and an assertion without its type", async () => {
    const a = await assertion();
    expect((await failure(req({ body: { client_assertion: a, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" } }))).error).toBe("invalid_client");
    expect((await failure(req({ body: { client_assertion: a } }))).error).toBe("invalid_request");
  });

  it("refuses a private_key_jwt client that sends a secret instead", async () => {
    expect((await failure(req({ authorizationHeader: basic(clientId, "guess") }))).error).toBe("invalid_client");
  });

  it("tries each key when several match (no kid)", async () => {
    const a = await generateKeyPair("ES256");
    const b = await generateKeyPair("ES256");
    const keys = [await exportJWK(a.publicKey), await exportJWK(b.publicKey)];
    const created = await createApplication(admin, { name: "Two keys", type: "confidential", redirectUris, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys } }, {});
    const id = created.application.clientId;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: "ES256" }).setIssuer(id).setSubject(id).setAudience(TOKEN_URL).setExpirationTime(now + 60).sign(b.privateKey);
    expect((await authenticateClient(req({ body: body(jwt) }))).clientId).toBe(id);
  });
});
