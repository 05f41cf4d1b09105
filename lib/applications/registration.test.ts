import crypto from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { sha256Hex } from "@/lib/crypto";
import { parseConfig, reloadConfig } from "@/lib/config";
import {
  authenticateClient,
  ApplicationError,
  createApplication,
  createInitialAccessToken,
  findClientByClientId,
  listInitialAccessTokens,
  registerClient,
  revokeInitialAccessToken,
  verifyInitialAccessToken,
} from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: ["admin"] };
const customer = { id: crypto.randomUUID(), roles: [] };
const metadata = { client_name: "Partner app", redirect_uris: ["https://partner.example.com/cb"], grant_types: ["authorization_code", "refresh_token"] };

async function registrationError(token: string | undefined, body: unknown): Promise<ApplicationError> {
  const e = await registerClient(token, body, {}).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ApplicationError);
  return e as ApplicationError;
}

afterEach(() => {
  delete process.env.OIDC_REGISTRATION_TOKEN;
  reloadConfig();
});

function setRegistrationToken(value: string) {
  process.env.OIDC_REGISTRATION_TOKEN = value;
  reloadConfig();
}

describe("initial access tokens", () => {
  it("are returned once, stored hashed, audited, and verify until revoked", async () => {
    const { token, initialAccessToken } = await createInitialAccessToken(admin, "Partner onboarding", 3600, { ip: "192.0.2.5" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.db().initialAccessToken.findUniqueOrThrow({ where: { id: initialAccessToken.id } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(row.createdBy).toBe(admin.id);
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    const event = await t.db().auditEvent.findFirstOrThrow({ where: { action: "initial_access_token.created", targetId: initialAccessToken.id } });
    expect(JSON.stringify({ ...event, id: undefined })).not.toContain(token);

    expect(await verifyInitialAccessToken(token)).toEqual({ source: "database", id: initialAccessToken.id, label: "Partner onboarding" });
    expect((await listInitialAccessTokens(admin)).map((x) => x.id)).toContain(initialAccessToken.id);
    await revokeInitialAccessToken(admin, initialAccessToken.id, {});
    expect(await verifyInitialAccessToken(token)).toBeNull();
    await expect(revokeInitialAccessToken(admin, initialAccessToken.id, {})).rejects.toMatchObject({ code: "not_found" });
  });

  it("expire, within 30 days at most", async () => {
    const { token } = await createInitialAccessToken(admin, "Short", 60);
    expect(await verifyInitialAccessToken(token, new Date(Date.now() + 61_000))).toBeNull();
    const { token: longest, initialAccessToken } = await createInitialAccessToken(admin, "Longest", 30 * 86_400);
    expect(initialAccessToken.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
    expect(await verifyInitialAccessToken(longest, new Date(Date.now() + 30 * 86_400_000 + 1000))).toBeNull();
    // No token that never expires, and none beyond 30 days.
    await expect(createInitialAccessToken(admin, "Forever", 31 * 86_400)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("are spent by one registration unless created as multi-use", async () => {
    const { token, initialAccessToken } = await createInitialAccessToken(admin, "Once");
    expect(initialAccessToken).toMatchObject({ multiUse: false, usedAt: null });
    await registerClient(token, metadata, {});
    expect((await registrationError(token, metadata)).code).toBe("invalid_token");
    expect(await verifyInitialAccessToken(token)).toBeNull();
    expect((await listInitialAccessTokens(admin)).find((x) => x.id === initialAccessToken.id)?.usedAt).toBeInstanceOf(Date);

    const multi = await createInitialAccessToken(admin, "Many", 3600, {}, { multiUse: true });
    expect(multi.initialAccessToken.multiUse).toBe(true);
    await registerClient(multi.token, metadata, {});
    await registerClient(multi.token, metadata, {});
    expect(await verifyInitialAccessToken(multi.token)).not.toBeNull();
  });

  it("a single-use token registers one client even when two registrations race", async () => {
    const { token } = await createInitialAccessToken(admin, "Race");
    const before = await t.db().application.count();
    const results = await Promise.allSettled([registerClient(token, metadata, {}), registerClient(token, metadata, {})]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "invalid_token" } });
    expect(await t.db().application.count()).toBe(before + 1);
  });

  it("a registration refused for its metadata does not spend the token", async () => {
    const { token } = await createInitialAccessToken(admin, "Retry");
    expect((await registrationError(token, { ...metadata, redirect_uris: ["http://evil.example/cb"] })).code).toBe("invalid_redirect_uri");
    await expect(registerClient(token, metadata, {})).resolves.toMatchObject({ client_name: "Partner app" });
  });

  it("are for administrators only", async () => {
    await expect(createInitialAccessToken(customer, "Nope")).rejects.toMatchObject({ code: "forbidden" });
    await expect(listInitialAccessTokens(customer)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("include OIDC_REGISTRATION_TOKEN, which must be long enough to start at all", async () => {
    setRegistrationToken("e".repeat(40));
    expect(await verifyInitialAccessToken("e".repeat(40))).toEqual({ source: "environment" });
    expect(await verifyInitialAccessToken("e".repeat(39))).toBeNull();
    expect(() => parseConfig({ ...process.env, OIDC_REGISTRATION_TOKEN: "short" })).toThrow(/OIDC_REGISTRATION_TOKEN must be at least 32/);
  });

  it("refuse empty and unknown tokens", async () => {
    expect(await verifyInitialAccessToken(undefined)).toBeNull();
    expect(await verifyInitialAccessToken("")).toBeNull();
    expect(await verifyInitialAccessToken("A".repeat(43))).toBeNull();
  });
});

describe("registerClient (RFC 7591 §3)", () => {
  it("registers a confidential client and answers per §3.2.1, secret included once", async () => {
    const { token } = await createInitialAccessToken(admin, "Partner");
    const r = await registerClient(token, metadata, { ip: "198.51.100.7" });
    expect(r).toMatchObject({
      client_name: "Partner app",
      redirect_uris: ["https://partner.example.com/cb"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
      client_secret_expires_at: 0,
    });
    expect(r.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Math.abs(r.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);

    const client = await findClientByClientId(r.client_id);
    expect(client).toMatchObject({ createdVia: "dynamic", firstParty: false, type: "confidential" });
    const row = await t.db().application.findUniqueOrThrow({ where: { clientId: r.client_id } });
    expect(row.clientSecretHash).toBe(sha256Hex(r.client_secret!));
    const basic = `Basic ${Buffer.from(`${r.client_id}:${r.client_secret}`).toString("base64")}`;
    expect((await authenticateClient({ authorizationHeader: basic, body: {}, tokenEndpointUrl: "https://x/token", issuer: "https://x" })).clientId).toBe(r.client_id);

    const event = await t.db().auditEvent.findFirstOrThrow({ where: { action: "application.created", targetId: client!.id } });
    expect(event).toMatchObject({ actorType: "system", ip: "198.51.100.7" });
    expect(JSON.stringify({ ...event, id: undefined })).not.toContain(r.client_secret!);
  });

  it("takes `scope` as the client's allowed scopes and answers with it", async () => {
    const { token } = await createInitialAccessToken(admin, "Backend");
    const r = await registerClient(token, { client_name: "Backend", grant_types: ["client_credentials"], scope: "reports:read reports:write" }, {});
    expect(r.scope).toBe("reports:read reports:write");
    expect((await findClientByClientId(r.client_id))?.allowedScopes).toEqual(["reports:read", "reports:write"]);
  });

  it("registers a public client without a secret", async () => {
    const { token } = await createInitialAccessToken(admin, "Native");
    const r = await registerClient(token, { client_name: "CLI", redirect_uris: ["http://127.0.0.1/cb"], token_endpoint_auth_method: "none" }, {});
    expect(r.client_secret).toBeUndefined();
    expect(r.token_endpoint_auth_method).toBe("none");
    expect((await findClientByClientId(r.client_id))?.type).toBe("public");
  });

  it("accepts the environment token, which stays multi-use", async () => {
    setRegistrationToken(crypto.randomBytes(32).toString("base64url"));
    const r = await registerClient(process.env.OIDC_REGISTRATION_TOKEN, metadata, {});
    expect(r.client_id).toBeTruthy();
    expect((await registerClient(process.env.OIDC_REGISTRATION_TOKEN, metadata, {})).client_id).not.toBe(r.client_id);
  });

  it("refuses a missing, unknown or revoked token before looking at the metadata", async () => {
    expect((await registrationError(undefined, metadata)).code).toBe("invalid_token");
    expect((await registrationError("A".repeat(43), { redirect_uris: ["http://evil.example/cb"] })).code).toBe("invalid_token");
    const { token, initialAccessToken } = await createInitialAccessToken(admin, "Revoked");
    await revokeInitialAccessToken(admin, initialAccessToken.id, {});
    expect((await registrationError(token, metadata)).code).toBe("invalid_token");
  });

  it("refuses a back-channel logout URI on an internal address (SSRF), in registration and in the console", async () => {
    const { token } = await createInitialAccessToken(admin, "Internal", 3600, {}, { multiUse: true });
    const before = await t.db().application.count();
    for (const uri of ["https://169.254.169.254/latest/meta-data/", "https://10.0.0.5/bcl", "https://192.168.1.1/bcl", "https://[fd00::1]/bcl", "https://metadata.google.internal/x", "http://127.0.0.1:4000/bcl", "http://localhost:4000/bcl"]) {
      const e = await registrationError(token, { ...metadata, backchannel_logout_uri: uri });
      expect(e.code, uri).toBe("invalid_client_metadata");
      expect(e.message).toMatch(/^backchannel_logout_uri: Portico does not call internal addresses/);
      await expect(createApplication(admin, { name: "Web", type: "confidential", redirectUris: ["https://rp.example.com/cb"], backchannelLogoutUri: uri }, {}), uri).rejects.toMatchObject({
        code: "invalid_input",
        details: { field: "backchannelLogoutUri" },
      });
    }
    expect(await t.db().application.count()).toBe(before);
    // A public name is accepted (its addresses are checked when Portico calls it); loopback when allowed.
    await expect(registerClient(token, { ...metadata, backchannel_logout_uri: "https://rp.example.com/bcl" }, {})).resolves.toMatchObject({ backchannel_logout_uri: "https://rp.example.com/bcl" });
    process.env.OUTBOUND_ALLOW_LOOPBACK = "1";
    reloadConfig();
    try {
      await expect(registerClient(token, { ...metadata, backchannel_logout_uri: "http://127.0.0.1:4000/bcl" }, {})).resolves.toMatchObject({ client_id: expect.any(String) });
    } finally {
      delete process.env.OUTBOUND_ALLOW_LOOPBACK;
      reloadConfig();
    }
  });

  it("refuses bad metadata with the RFC 7591 §3.2.2 codes and registers nothing", async () => {
    const { token } = await createInitialAccessToken(admin, "Bad metadata");
    const before = await t.db().application.count();
    const badUri = await registrationError(token, { ...metadata, redirect_uris: ["https://partner.example.com/cb#frag"] });
    expect(badUri.code).toBe("invalid_redirect_uri");
    expect(badUri.message).toMatch(/^redirect_uris: /);
    expect((await registrationError(token, { ...metadata, token_endpoint_auth_method: "private_key_jwt" })).code).toBe("invalid_client_metadata");
    expect((await registrationError(token, { ...metadata, response_types: ["code", "id_token"] })).code).toBe("invalid_client_metadata");
    expect((await registrationError(token, undefined)).code).toBe("invalid_client_metadata");
    expect(await t.db().application.count()).toBe(before);
  });
});
