import { describe, expect, it } from "vitest";
import {
  applicationInputFromForm,
  applicationInputSchema,
  registrationErrorOf,
  registrationRequestSchema,
  type ApplicationInputRaw,
} from "./applications.schema";

const web: ApplicationInputRaw = { name: "Web shop", type: "confidential", redirectUris: ["https://shop.example.com/cb"] };
const ecKey = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", kid: "k1" };

function fieldsOf(input: unknown) {
  const r = applicationInputSchema.safeParse(input);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe("applicationInputSchema", () => {
  it("fills defaults: method from the type, grants, algorithm, lifetimes", () => {
    const a = applicationInputSchema.parse(web);
    expect(a).toMatchObject({
      tokenEndpointAuthMethod: "client_secret_basic",
      grantTypes: ["authorization_code", "refresh_token"],
      idTokenSignedResponseAlg: "ES256",
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 2_592_000,
      firstParty: false,
      jwks: null,
      backchannelLogoutUri: null,
      logoUri: null,
      postLogoutRedirectUris: [],
    });
    expect(applicationInputSchema.parse({ ...web, type: "public" }).tokenEndpointAuthMethod).toBe("none");
  });

  it("trims, de-duplicates and keeps URIs as typed", () => {
    const a = applicationInputSchema.parse({ ...web, redirectUris: [" https://shop.example.com/cb ", "https://shop.example.com/cb", "https://Shop.example.com/CB"] });
    expect(a.redirectUris).toEqual(["https://shop.example.com/cb", "https://Shop.example.com/CB"]);
  });

  it.each([
    ["an empty name", { ...web, name: "  " }, "name"],
    ["a 101-character name", { ...web, name: "x".repeat(101) }, "name"],
    ["a name with a bidi override", { ...web, name: "evil\u202eppa" }, "name"],
    ["an unknown type", { ...web, type: "spa" }, "type"],
    ["a fragment", { ...web, redirectUris: ["https://shop.example.com/cb#x"] }, "redirectUris"],
    ["plain http", { ...web, redirectUris: ["http://shop.example.com/cb"] }, "redirectUris"],
    ["21 redirect URIs", { ...web, redirectUris: Array.from({ length: 21 }, (_, i) => `https://shop.example.com/cb${i}`) }, "redirectUris"],
    ["a bad post-logout URI", { ...web, postLogoutRedirectUris: ["javascript:alert(1)"] }, "postLogoutRedirectUris"],
    ["an unknown grant", { ...web, grantTypes: ["password"] }, "grantTypes"],
    ["the implicit grant", { ...web, grantTypes: ["implicit"] }, "grantTypes"],
    ["no grant at all", { ...web, grantTypes: [] }, "grantTypes"],
    ["refresh_token alone", { ...web, grantTypes: ["refresh_token", "client_credentials"] }, "grantTypes"],
    ["authorization_code without a redirect URI", { ...web, redirectUris: [] }, "redirectUris"],
    ["a public client with a secret method", { ...web, type: "public", tokenEndpointAuthMethod: "client_secret_basic" }, "tokenEndpointAuthMethod"],
    ["a confidential client without authentication", { ...web, tokenEndpointAuthMethod: "none" }, "tokenEndpointAuthMethod"],
    ["a public client with client_credentials", { ...web, type: "public", grantTypes: ["authorization_code", "client_credentials"] }, "grantTypes"],
    ["HS256 ID tokens", { ...web, idTokenSignedResponseAlg: "HS256" }, "idTokenSignedResponseAlg"],
    ["a 59-second access token", { ...web, accessTokenTtlSeconds: 59 }, "accessTokenTtlSeconds"],
    ["a one-day-and-a-second access token", { ...web, accessTokenTtlSeconds: 86_401 }, "accessTokenTtlSeconds"],
    ["a fractional lifetime", { ...web, accessTokenTtlSeconds: 100.5 }, "accessTokenTtlSeconds"],
    ["a 299-second refresh token", { ...web, refreshTokenTtlSeconds: 299 }, "refreshTokenTtlSeconds"],
    ["a refresh token over a year", { ...web, refreshTokenTtlSeconds: 31_536_001 }, "refreshTokenTtlSeconds"],
    ["an http back-channel logout URI", { ...web, backchannelLogoutUri: "http://shop.example.com/logout" }, "backchannelLogoutUri"],
    ["an http logo", { ...web, logoUri: "http://shop.example.com/logo.png" }, "logoUri"],
    ["private_key_jwt without keys", { ...web, tokenEndpointAuthMethod: "private_key_jwt" }, "jwks"],
    ["keys without private_key_jwt", { ...web, jwks: { keys: [ecKey] } }, "jwks"],
    ["a private key", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [{ ...ecKey, d: "secret" }] } }, "jwks"],
    ["a symmetric key", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, "jwks"],
    ["an HS256 key", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [{ ...ecKey, alg: "HS256" }] } }, "jwks"],
    ["an EC key without y", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [{ kty: "EC", crv: "P-256", x: "abc" }] } }, "jwks"],
    ["an empty key set", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [] } }, "jwks"],
    ["a key set that is not one", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: [ecKey] }, "jwks"],
  ])("refuses %s", (_why, input, field) => {
    expect(Object.keys(fieldsOf(input))).toContain(field);
  });

  it.each([
    ["loopback and app-scheme redirects for a native app", { name: "CLI", type: "public", redirectUris: ["http://127.0.0.1/cb", "http://[::1]/cb", "com.example.cli:/cb"] }],
    ["a device-flow TV app", { name: "TV", type: "public", grantTypes: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"] }],
    ["a machine client", { name: "Batch", type: "confidential", grantTypes: ["client_credentials"], tokenEndpointAuthMethod: "client_secret_post" }],
    ["private_key_jwt with a public key", { ...web, tokenEndpointAuthMethod: "private_key_jwt", jwks: { keys: [ecKey] } }],
    ["the limits themselves", { ...web, accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 31_536_000 }],
    ["an http loopback back-channel logout URI", { ...web, backchannelLogoutUri: "http://localhost:4000/logout" }],
  ])("accepts %s", (_why, input) => {
    expect(fieldsOf(input)).toEqual({});
  });
});

describe("applicationInputFromForm", () => {
  it("reads textareas line by line, checkboxes and numbers", () => {
    const f = new FormData();
    f.set("name", "Portal");
    f.set("type", "confidential");
    f.set("redirectUris", "https://a.example.com/cb\r\n\r\n  https://a.example.com/cb2 \n");
    f.append("grantTypes", "authorization_code");
    f.append("grantTypes", "refresh_token");
    f.set("tokenEndpointAuthMethod", "client_secret_post");
    f.set("accessTokenTtlSeconds", "600");
    f.set("refreshTokenTtlSeconds", "");
    f.set("firstParty", "on");
    f.set("jwks", "");
    f.set("logoUri", "");
    const a = applicationInputSchema.parse(applicationInputFromForm(f));
    expect(a).toMatchObject({
      redirectUris: ["https://a.example.com/cb", "https://a.example.com/cb2"],
      grantTypes: ["authorization_code", "refresh_token"],
      accessTokenTtlSeconds: 600,
      refreshTokenTtlSeconds: 2_592_000,
      firstParty: true,
      jwks: null,
      logoUri: null,
    });
  });

  it("ties bad JSON keys and a non-number to their fields", () => {
    const f = new FormData();
    f.set("name", "Portal");
    f.set("type", "confidential");
    f.set("redirectUris", "https://a.example.com/cb");
    f.set("tokenEndpointAuthMethod", "private_key_jwt");
    f.set("jwks", "{not json");
    f.set("accessTokenTtlSeconds", "ten");
    expect(Object.keys(fieldsOf(applicationInputFromForm(f))).sort()).toEqual(["accessTokenTtlSeconds", "grantTypes", "jwks"]);
  });
});

describe("allowed scopes and resources (client_credentials)", () => {
  it("default to none; the console form takes scopes separated by spaces or lines, resources one per line", () => {
    expect(applicationInputSchema.parse(web)).toMatchObject({ allowedScopes: [], allowedResources: [] });
    const form = new FormData();
    form.set("name", "Backend");
    form.set("type", "confidential");
    form.append("grantTypes", "client_credentials");
    form.set("allowedScopes", "reports:read  reports:write\nreports:read");
    form.set("allowedResources", "https://api.example.com/reports\n");
    expect(applicationInputSchema.parse(applicationInputFromForm(form))).toMatchObject({ allowedScopes: ["reports:read", "reports:write"], allowedResources: ["https://api.example.com/reports"] });
  });

  it("refuse malformed scopes and resources that are not https URIs without a fragment", () => {
    expect(fieldsOf({ ...web, allowedScopes: ['bad"scope'] }).allowedScopes).toMatch(/not a scope/);
    expect(fieldsOf({ ...web, allowedScopes: Array.from({ length: 51 }, (_, i) => `s${i}`) }).allowedScopes).toMatch(/at most 50/);
    expect(fieldsOf({ ...web, allowedResources: ["https://api.example.com/#frag"] }).allowedResources).toMatch(/fragment/);
    expect(fieldsOf({ ...web, allowedResources: ["ftp://api.example.com/"] }).allowedResources).toMatch(/https/);
  });

  it("RFC 7591 `scope` metadata sets the allowed scopes", () => {
    const r = registrationRequestSchema.parse({ redirect_uris: [], grant_types: ["client_credentials"], scope: "reports:read reports:write" });
    expect(r.allowedScopes).toEqual(["reports:read", "reports:write"]);
    expect(registrationRequestSchema.parse({ redirect_uris: ["https://rp.example.com/cb"] }).allowedScopes).toEqual([]);
    const bad = registrationRequestSchema.safeParse({ redirect_uris: [], grant_types: ["client_credentials"], scope: 'a "b' });
    expect(bad.success).toBe(false);
    expect(registrationErrorOf(bad.error!)).toMatchObject({ error: "invalid_client_metadata", error_description: expect.stringMatching(/^scope: /) });
  });
});

describe("registrationRequestSchema (RFC 7591 §2)", () => {
  it("maps snake_case metadata and applies the specs' defaults", () => {
    const a = registrationRequestSchema.parse({ redirect_uris: ["https://rp.example.com/cb"], software_id: "ignored", scope: "openid" });
    expect(a).toMatchObject({
      name: "Unnamed application",
      type: "confidential",
      grantTypes: ["authorization_code"],
      tokenEndpointAuthMethod: "client_secret_basic",
      idTokenSignedResponseAlg: "RS256",
      firstParty: false,
    });
  });

  it("makes a client with method none public", () => {
    const a = registrationRequestSchema.parse({ client_name: "SPA", redirect_uris: ["https://spa.example.com/cb"], token_endpoint_auth_method: "none" });
    expect(a.type).toBe("public");
  });

  it("never registers a first-party client", () => {
    expect(registrationRequestSchema.parse({ redirect_uris: ["https://rp.example.com/cb"], firstParty: true, first_party: true }).firstParty).toBe(false);
  });

  it.each([
    ["a fragment", { redirect_uris: ["https://rp.example.com/cb#x"] }, "invalid_redirect_uri", /redirect_uris/],
    ["no redirect URI for the code grant", {}, "invalid_redirect_uri", /redirect_uris/],
    ["redirect_uris that are not a list", { redirect_uris: "https://rp.example.com/cb" }, "invalid_redirect_uri", /redirect_uris/],
    ["the token response type", { redirect_uris: ["https://rp.example.com/cb"], response_types: ["token"] }, "invalid_client_metadata", /response_types/],
    ["code without authorization_code", { grant_types: ["client_credentials"], response_types: ["code"] }, "invalid_client_metadata", /response_types/],
    ["an unknown method", { redirect_uris: ["https://rp.example.com/cb"], token_endpoint_auth_method: "tls_client_auth" }, "invalid_client_metadata", /token_endpoint_auth_method/],
    ["jwks_uri", { redirect_uris: ["https://rp.example.com/cb"], token_endpoint_auth_method: "private_key_jwt", jwks_uri: "https://rp.example.com/jwks" }, "invalid_client_metadata", /jwks/],
    ["the password grant", { redirect_uris: ["https://rp.example.com/cb"], grant_types: ["authorization_code", "password"] }, "invalid_client_metadata", /grant_types/],
    ["a public client_credentials client", { grant_types: ["client_credentials"], token_endpoint_auth_method: "none" }, "invalid_client_metadata", /grant_types/],
    ["a body that is not an object", ["https://rp.example.com/cb"], "invalid_client_metadata", /object/],
    ["no body", undefined, "invalid_client_metadata", /object/],
  ])("refuses %s", (_why, body, code, description) => {
    const r = registrationRequestSchema.safeParse(body);
    expect(r.success).toBe(false);
    const e = registrationErrorOf(r.error!);
    expect(e.error).toBe(code);
    expect(e.error_description).toMatch(description);
  });
});
