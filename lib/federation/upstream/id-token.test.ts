// ID token validation with tokens signed here and a JWKS served from localhost (the keys rotate,
// the issuer is a multi-tenant template): what a real upstream cannot easily be made to send.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { reloadConfig } from "@/lib/config";
import { FederationError } from "@/lib/federation";
import { allowLoopback } from "@/test/upstreams/connection";
import { issuerParamMatches } from "./callback";
import { expectedIdTokenIssuer, forgetJwks, validateIdToken } from "./id-token";

const TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0";
const TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";
const settings = { issuer: "https://login.microsoftonline.com/common/v2.0", issuerTemplate: TEMPLATE, clientId: "portico-app" };

let server: http.Server;
let jwksUri: string;
let published: JWK[] = [];
let jwksFetches = 0;
const keys: { privateKey: CryptoKey; jwk: JWK }[] = [];

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

async function sign(claims: JWTPayload, key = keys[0]!, at = Math.floor(Date.now() / 1000)) {
  return new SignJWT({ nonce: "n-1", tid: TENANT, ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key.jwk.kid })
    .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
    .setAudience(claims.aud ?? "portico-app")
    .setSubject("subject-1")
    .setIssuedAt(at)
    .setExpirationTime(at + 600)
    .sign(key.privateKey);
}

const validate = (token: string, nonce: string | null = "n-1") => validateIdToken(token, { settings, jwksUri, nonce, upstreamName: "Microsoft" });

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FederationError);
  expect((e as FederationError).code).toBe("invalid_response");
  return (e as FederationError).message;
}

beforeAll(async () => {
  allowLoopback(true, reloadConfig);
  keys.push(await newKey("k1"), await newKey("k2"));
  server = http.createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
});
afterAll(async () => {
  allowLoopback(false, reloadConfig);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  forgetJwks();
  published = [keys[0]!.jwk];
  jwksFetches = 0;
});

describe("expectedIdTokenIssuer", () => {
  it("is the configured issuer, or the template filled with the token's tid", () => {
    expect(expectedIdTokenIssuer({ issuer: "https://accounts.google.com" }, { tid: "x" })).toBe("https://accounts.google.com");
    expect(expectedIdTokenIssuer(settings, { tid: TENANT })).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(expectedIdTokenIssuer(settings, {})).toBeNull();
    expect(expectedIdTokenIssuer(settings, { tid: "../evil" })).toBeNull();
    expect(expectedIdTokenIssuer(settings, { tid: 42 })).toBeNull();
  });
});

describe("issuerParamMatches (RFC 9207's iss before the token is known)", () => {
  it("is the issuer, or for a template one tenant's issuer", () => {
    expect(issuerParamMatches("https://a.example", "https://a.example", undefined)).toBe(true);
    expect(issuerParamMatches("https://b.example", "https://a.example", undefined)).toBe(false);
    expect(issuerParamMatches(`https://login.microsoftonline.com/${TENANT}/v2.0`, settings.issuer, TEMPLATE)).toBe(true);
    expect(issuerParamMatches("https://login.microsoftonline.com/a/b/v2.0", settings.issuer, TEMPLATE)).toBe(false);
    expect(issuerParamMatches("https://evil.example/x/v2.0", settings.issuer, TEMPLATE)).toBe(false);
  });
});

describe("validateIdToken", () => {
  it("accepts a token of the tenant's issuer, signed with a published key", async () => {
    const claims = await validate(await sign({}));
    expect(claims.sub).toBe("subject-1");
    expect(claims.tid).toBe(TENANT);
    expect(jwksFetches).toBe(1);
    await validate(await sign({}));
    expect(jwksFetches).toBe(1);
  });

  it("refuses an issuer that is not the tenant's, or no tid", async () => {
    const other = await new SignJWT({ nonce: "n-1", tid: TENANT })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer("https://login.microsoftonline.com/another-tenant/v2.0")
      .setAudience("portico-app")
      .setSubject("s")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(keys[0]!.privateKey);
    expect(await refusal(validate(other))).toMatch(/issuer/);
    expect(await refusal(validate(await sign({ tid: undefined })))).toMatch(/issuer/);
  });

  it("fetches the keys once more for a key it does not know (rotation), and no more", async () => {
    await validate(await sign({}));
    published = [keys[0]!.jwk, keys[1]!.jwk];
    await validate(await sign({}, keys[1]));
    expect(jwksFetches).toBe(2);
    const stranger = await newKey("k3");
    expect(await refusal(validate(await sign({}, stranger)))).toMatch(/signature/);
    expect(jwksFetches).toBe(3);
  });

  it("refuses another audience, several audiences without our azp, and a foreign azp", async () => {
    expect(await refusal(validate(await sign({ aud: "someone-else" })))).toMatch(/another application/);
    expect(await refusal(validate(await sign({ aud: ["portico-app", "other"] })))).toMatch(/another application/);
    expect(await refusal(validate(await sign({ azp: "other" })))).toMatch(/another application/);
    expect((await validate(await sign({ aud: ["portico-app", "other"], azp: "portico-app" }))).sub).toBe("subject-1");
  });

  it("allows a minute of clock skew, not more", async () => {
    const now = Math.floor(Date.now() / 1000);
    await validate(await sign({}, keys[0], now - 600 - 30));
    expect(await refusal(validate(await sign({}, keys[0], now - 600 - 120)))).toMatch(/expired/);
    expect(await refusal(validate(await sign({}, keys[0], now + 300)))).toBeTruthy();
  });

  it("refuses a nonce other than the one sent, or none", async () => {
    expect(await refusal(validate(await sign({ nonce: "n-2" })))).toMatch(/nonce/);
    expect(await refusal(validate(await sign({ nonce: undefined })))).toMatch(/nonce/);
  });

  it("refuses an unsigned or symmetrically signed token", async () => {
    const [, p] = (await sign({})).split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${p}.`;
    expect(await refusal(validate(none))).toMatch(/signature/);
    const hs = await new SignJWT({ nonce: "n-1", tid: TENANT }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("5m").sign(new TextEncoder().encode("x".repeat(32)));
    expect(await refusal(validate(hs))).toMatch(/signature/);
  });
});
