import { describe, expect, it, vi } from "vitest";
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";

// Counts the ring's loads: signing with a warm ring must not query the keys.
const repo = vi.hoisted(() => ({ loads: 0 }));
vi.mock("./keys.repo", async (importOriginal) => {
  const real = await importOriginal<typeof import("./keys.repo")>();
  return {
    ...real,
    listLiveKeys: (...args: Parameters<typeof real.listLiveKeys>) => {
      repo.loads++;
      return real.listLiveKeys(...args);
    },
  };
});

import { useTestDatabase } from "@/test/db";
import { withTransaction } from "@/lib/db";
import { listAuditEvents } from "@/lib/audit";
import {
  clearSigningKeyCache,
  ensureSigningKeys,
  KEY_ACTIVATION_DELAY,
  KeyError,
  listSigningKeysForAdmin,
  MAX_TOKEN_LIFETIME,
  publicJwks,
  rotateKeys,
  rotateKeysAsAdmin,
  signJwt,
  SUPPORTED_ALGS,
  verifyJwt,
  type KeyErrorCode,
} from "./index";

const t = useTestDatabase();

const T0 = new Date(Date.UTC(2031, 0, 1, 12, 0, 0));
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const ISS = "https://portico.test";
const claims = (now: Date, lifetimeSeconds = 300) => ({ iss: ISS, sub: "user-1", aud: "client-1", iat: epoch(now), exp: epoch(now) + lifetimeSeconds });
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

async function failure(p: Promise<unknown>, code: KeyErrorCode): Promise<KeyError> {
  const err = await p.then(
    () => {
      throw new Error(`expected KeyError ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyError);
  expect((err as KeyError).code).toBe(code);
  return err as KeyError;
}

/** Verifies as an independent relying party would: jose against the published JWK Set. */
async function verifyAsRelyingParty(token: string, now: Date) {
  const jwks = createLocalJWKSet(await publicJwks(now));
  return jwtVerify(token, jwks, { issuer: ISS, audience: "client-1", currentDate: now });
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const decodeExp = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp as number;

// The tests below run in order and share one database: a key history from first start to unpublishing.
describe("signing keys", () => {
  let first: Record<string, string> = {};
  let second: Record<string, string> = {};
  let rotatedAt: Date;

  it("creates one key per alg on first start, active at once, and nothing on the next start", async () => {
    const { created } = await ensureSigningKeys(T0);
    expect(created.map((k) => k.alg).sort()).toEqual([...SUPPORTED_ALGS].sort());
    for (const k of created) expect(k.activatesAt).toEqual(T0);
    first = Object.fromEntries(created.map((k) => [k.alg, k.kid]));

    expect((await ensureSigningKeys(at(T0, 1000))).created).toEqual([]);
    expect(await t.db().signingKey.count()).toBe(2);
    expect((await listAuditEvents({ action: "keys.created" })).length).toBe(2);

    for (const alg of SUPPORTED_ALGS) {
      const token = await signJwt(claims(T0), { alg, now: T0 });
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: first[alg], typ: "JWT" });
      await verifyAsRelyingParty(token, T0);
    }
  });

  it("publishes public members only (no d, p, q, dp, dq, qi), with kid, alg and use", async () => {
    const { keys } = await publicJwks(T0);
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      for (const m of PRIVATE_MEMBERS) expect(k).not.toHaveProperty(m);
      expect(k.use).toBe("sig");
      if (k.alg === "ES256") expect(Object.keys(k).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
      else expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    }
    const rsa = keys.find((k) => k.kty === "RSA") as JWK;
    expect(Buffer.from(rsa.n!, "base64url").length * 8).toBe(2048);
    expect(JSON.stringify(await publicJwks(T0))).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });

  it("stores private keys encrypted", async () => {
    const rows = await t.db().signingKey.findMany();
    for (const r of rows) {
      expect(r.privateJwkEncrypted).toMatch(/^v1\./);
      expect(r.privateJwkEncrypted).not.toContain('"d":');
      expect(JSON.stringify(r.publicJwk)).not.toContain('"d":');
    }
    const raw = await t.db().$queryRaw<{ sealed: string }[]>`SELECT "privateJwkEncrypted" AS sealed FROM "SigningKey"`;
    for (const r of raw) expect(Buffer.from(r.sealed).toString()).not.toMatch(/"d"\s*:/);
  });

  it("signs from the key ring without querying the keys", async () => {
    await signJwt(claims(T0), { now: T0 }); // warm
    const before = repo.loads;
    for (let i = 0; i < 20; i++) await signJwt(claims(T0), { alg: i % 2 ? "RS256" : "ES256", now: at(T0, i * 1000) });
    await publicJwks(T0);
    expect(repo.loads).toBe(before);
  });

  it("publishes a rotated key at once but signs with it only after the activation delay", async () => {
    rotatedAt = at(T0, 24 * 3600_000);
    const rotated = await rotateKeys({ now: rotatedAt, actor: { type: "admin", id: "00000000-0000-4000-8000-000000000001" } });
    second = Object.fromEntries(rotated.map((k) => [k.alg, k.kid]));
    const activatesAt = at(rotatedAt, KEY_ACTIVATION_DELAY);
    for (const k of rotated) {
      expect(k.activatesAt).toEqual(activatesAt);
      expect(k.retired).toEqual([{ kid: first[k.alg], retiredAt: activatesAt, unpublishAt: at(activatesAt, MAX_TOKEN_LIFETIME) }]);
    }
    const audit = await listAuditEvents({ action: "keys.rotated" });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorType: "admin", targetType: "signing_key" });

    // Published immediately (this process's cache was invalidated by the rotation)...
    const published = (await publicJwks(rotatedAt)).keys.map((k) => k.kid);
    for (const alg of SUPPORTED_ALGS) expect(published).toEqual(expect.arrayContaining([first[alg], second[alg]]));
    // ...but not before it was created.
    expect((await publicJwks(at(rotatedAt, -1))).keys.map((k) => k.kid).sort()).toEqual(Object.values(first).sort());

    for (const alg of SUPPORTED_ALGS) {
      const justBefore = at(activatesAt, -1);
      const oldToken = await signJwt(claims(justBefore), { alg, now: justBefore });
      expect(kidOf(oldToken)).toBe(first[alg]);
      const newToken = await signJwt(claims(activatesAt), { alg, now: activatesAt });
      expect(kidOf(newToken)).toBe(second[alg]);
      // Both verify against the JWKS a relying party fetches, by jose and by verifyJwt.
      await verifyAsRelyingParty(oldToken, activatesAt);
      await verifyAsRelyingParty(newToken, activatesAt);
      expect((await verifyJwt(oldToken, { issuer: ISS, audience: "client-1", now: activatesAt })).kid).toBe(first[alg]);
      expect((await verifyJwt(newToken, { issuer: ISS, audience: "client-1", now: activatesAt })).kid).toBe(second[alg]);
    }
  });

  it("signs inside another transaction without waiting on the database, with a fresh or a stale ring", async () => {
    // On PGlite a query from outside an open interactive transaction waits for it: a blocking
    // reload here would hang the token endpoint. The rotation above already swapped in a new ring.
    const now = at(rotatedAt, KEY_ACTIVATION_DELAY);
    const insideTransaction = () =>
      withTransaction(async (tx) => {
        await tx.auditEvent.count();
        return signJwt(claims(now), { now });
      });
    expect(kidOf(await insideTransaction())).toBe(second.ES256);

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 60_000); // past the ring's 30 s
      const before = repo.loads;
      expect(kidOf(await insideTransaction())).toBe(second.ES256);
      await vi.waitFor(() => expect(repo.loads).toBe(before + 1)); // reloaded in the background, once
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a retired key published until unpublishAt, then drops it", async () => {
    const unpublishAt = at(at(rotatedAt, KEY_ACTIVATION_DELAY), MAX_TOKEN_LIFETIME);
    const lastOld = at(at(rotatedAt, KEY_ACTIVATION_DELAY), -1);
    // The longest-lived token the old key may sign, signed at its last moment.
    const token = await signJwt(claims(lastOld, MAX_TOKEN_LIFETIME / 1000 - 1), { alg: "ES256", now: lastOld });
    expect(kidOf(token)).toBe(first.ES256);

    expect(epoch(unpublishAt)).toBeGreaterThan(decodeExp(token));
    const justBefore = at(unpublishAt, -60_000);
    const kids = (await publicJwks(justBefore)).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([...Object.values(first), ...Object.values(second)]));
    await verifyAsRelyingParty(token, justBefore);

    const after = (await publicJwks(unpublishAt)).keys.map((k) => k.kid);
    expect(after.sort()).toEqual(Object.values(second).sort());
    await failure(verifyJwt(token, { now: unpublishAt, allowExpired: true }), "keys.unknown_key");
  });

  it("refuses none, HMAC and unknown algs, and over-long lifetimes", async () => {
    const now = at(rotatedAt, KEY_ACTIVATION_DELAY);
    for (const alg of ["none", "HS256", "PS256", "es256", ""]) await failure(signJwt(claims(now), { alg, now }), "keys.unsupported_alg");
    await failure(signJwt(claims(now, MAX_TOKEN_LIFETIME / 1000 + 60), { now }), "keys.lifetime_too_long");
    await failure(rotateKeys({ alg: "HS256", now }), "keys.unsupported_alg");
  });

  describe("verifyJwt", () => {
    const now = () => at(rotatedAt, KEY_ACTIVATION_DELAY + 60_000);

    it("accepts our tokens with the expected typ, issuer and audience (ES256 and RS256)", async () => {
      for (const alg of SUPPORTED_ALGS) {
        const token = await signJwt(claims(now()), { alg, typ: "at+jwt", now: now() });
        expect(decodeProtectedHeader(token).typ).toBe("at+jwt");
        const v = await verifyJwt(token, { typ: "at+jwt", issuer: ISS, audience: "client-1", now: now() });
        expect(v).toMatchObject({ alg, kid: second[alg], expired: false, payload: { sub: "user-1" } });
        await failure(verifyJwt(token, { typ: "JWT", now: now() }), "keys.invalid_token");
        await failure(verifyJwt(token, { audience: "someone-else", now: now() }), "keys.invalid_token");
        await failure(verifyJwt(token, { issuer: "https://evil.test", now: now() }), "keys.invalid_token");
        await failure(verifyJwt(token, { algorithms: [alg === "ES256" ? "RS256" : "ES256"], now: now() }), "keys.invalid_token");
      }
    });

    it("rejects a token signed by an unknown key, even one claiming a published kid", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      const forged = (kid: string) => new SignJWT(claims(now())).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey);
      await failure(verifyJwt(await forged("not-a-portico-key"), { now: now() }), "keys.unknown_key");
      await failure(verifyJwt(await forged(second.ES256!), { now: now() }), "keys.invalid_token");
    });

    it("rejects tampered tokens, alg confusion and alg none", async () => {
      const token = await signJwt(claims(now()), { now: now() });
      const [h, p, s] = token.split(".");
      const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
      const tampered = [h, Buffer.from(JSON.stringify({ ...payload, sub: "admin" })).toString("base64url"), s].join(".");
      await failure(verifyJwt(tampered, { now: now() }), "keys.invalid_token");

      const header = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const none = [header({ alg: "none", kid: second.ES256, typ: "JWT" }), p, ""].join(".");
      await failure(verifyJwt(none, { now: now() }), "keys.invalid_token");
      const swapped = [header({ alg: "RS256", kid: second.ES256, typ: "JWT" }), p, s].join(".");
      await failure(verifyJwt(swapped, { now: now() }), "keys.invalid_token");
      const hmac = await new SignJWT(payload).setProtectedHeader({ alg: "HS256", kid: second.ES256 }).sign(new TextEncoder().encode("x".repeat(32)));
      await failure(verifyJwt(hmac, { now: now() }), "keys.invalid_token");
      await failure(verifyJwt("not.a.jwt", { now: now() }), "keys.invalid_token");
      await failure(verifyJwt("", { now: now() }), "keys.invalid_token");
    });

    it("rejects expired tokens unless allowExpired (id_token_hint), which still checks everything else", async () => {
      const token = await signJwt(claims(now(), 60), { alg: "RS256", now: now() });
      const later = at(now(), 3600_000);
      await failure(verifyJwt(token, { now: later }), "keys.token_expired");
      const v = await verifyJwt(token, { now: later, allowExpired: true, audience: "client-1", issuer: ISS });
      expect(v).toMatchObject({ expired: true, kid: second.RS256, payload: { sub: "user-1" } });
      await failure(verifyJwt(token, { now: later, allowExpired: true, audience: "other" }), "keys.invalid_token");
      const [h, p, s] = token.split(".");
      const tampered = [h, p!.slice(0, -2) + (p!.at(-2) === "A" ? "B" : "A") + p!.slice(-1), s].join(".");
      await failure(verifyJwt(tampered, { now: later, allowExpired: true }), "keys.invalid_token");
    });
  });

  it("signs inside a transaction on a cold cache when given the transaction", async () => {
    clearSigningKeyCache();
    const now = at(rotatedAt, KEY_ACTIVATION_DELAY + 120_000);
    const token = await withTransaction(async (tx) => {
      await tx.auditEvent.count(); // the transaction is open and holds the (PGlite) connection
      return signJwt(claims(now), { now, tx });
    });
    expect(kidOf(token)).toBe(second.ES256);
  });

  it("a second rotation before activation supersedes the pending key", async () => {
    const r1 = at(rotatedAt, 40 * 24 * 3600_000);
    const [a] = await rotateKeys({ now: r1, alg: "ES256" });
    const r2 = at(r1, 60_000);
    const [b] = await rotateKeys({ now: r2, alg: "ES256" });
    // The pending key now signs only from its activation to the newer key's; the key before it is untouched.
    expect(b!.retired.map((k) => k.kid)).toEqual([a!.kid]);
    expect(kidOf(await signJwt(claims(at(r1, KEY_ACTIVATION_DELAY)), { now: at(r1, KEY_ACTIVATION_DELAY) }))).toBe(a!.kid);
    expect(kidOf(await signJwt(claims(at(r2, KEY_ACTIVATION_DELAY)), { now: at(r2, KEY_ACTIVATION_DELAY) }))).toBe(b!.kid);
    // RS256 untouched by an ES256 rotation.
    expect(kidOf(await signJwt(claims(at(r2, KEY_ACTIVATION_DELAY)), { alg: "RS256", now: at(r2, KEY_ACTIVATION_DELAY) }))).toBe(second.RS256);
  });

  it("when every key of an alg is retired, publishes a replacement before it signs", async () => {
    const now = at(rotatedAt, 50 * 24 * 3600_000);
    await t.db().signingKey.updateMany({ where: { alg: "RS256", retiredAt: null }, data: { retiredAt: now } });
    clearSigningKeyCache();
    await failure(signJwt(claims(now), { alg: "RS256", now }), "keys.no_active_key");
    const pending = await t.db().signingKey.findFirstOrThrow({ where: { alg: "RS256", retiredAt: null } });
    expect(pending.activatesAt).toEqual(at(now, KEY_ACTIVATION_DELAY));
    expect((await publicJwks(now)).keys.map((k) => k.kid)).toContain(pending.kid);
    expect((await ensureSigningKeys(now)).created).toEqual([]); // pending: wait, do not pile up keys
    const later = at(now, KEY_ACTIVATION_DELAY);
    expect(kidOf(await signJwt(claims(later), { alg: "RS256", now: later }))).toBe(pending.kid);
  });

  it("administration requires the admin role and never exposes key material", async () => {
    const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
    await expect(listSigningKeysForAdmin({ id: admin.id, roles: [] })).rejects.toMatchObject({ code: "forbidden", permission: "keys:read" });
    await expect(rotateKeysAsAdmin({ id: admin.id, roles: [] })).rejects.toMatchObject({ code: "forbidden", permission: "keys:write" });
    const list = await listSigningKeysForAdmin(admin, at(rotatedAt, 50 * 24 * 3600_000));
    expect(list.map((k) => k.status)).toContain("active");
    expect(list.map((k) => k.status)).toContain("unpublished");
    expect(JSON.stringify(list)).not.toMatch(/"(d|n|x|privateJwkEncrypted)":/);
  });
});
