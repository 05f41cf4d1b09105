import { pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import bcrypt from "bcryptjs";
import { hash as argon2Hash } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, parsePasswordHash, verifyPassword } from "./index";
import { STORED_HASH_LIMITS } from "./legacy-hash";

const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
const PASSWORD = "tidal-lantern-orchard-19";

// Fixed vectors from real systems and the RFCs (not produced by the code under test).
const FIXED = {
  // Spring Security's documentation: bcrypt("password"), cost 10.
  bcryptPassword: "$2a$10$dXJ3SW6G7P50lGmMkkmwe.20cQQubK3.HZWzG3YB1tlRy.fqvM/BG",
  // jBCrypt / OpenBSD test vector for "abc".
  bcryptAbc: "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
  // RFC 7914 §12, third vector: scrypt("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, 64 bytes).
  scryptRfc: "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw",
  // RFC 6070 §2: PBKDF2-HMAC-SHA1("password", "salt", 4096, 20 bytes), in passlib's "$pbkdf2$" form.
  pbkdf2Rfc: "$pbkdf2$4096$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE",
};

function scryptPhc(password: string, ln = 10, r = 8, p = 1) {
  const salt = randomBytes(16);
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(scryptSync(password, salt, 32, { N: 2 ** ln, r, p }))}`;
}
function pbkdf2Phc(password: string, iterations = 1000, digest: "sha1" | "sha256" | "sha512" = "sha256") {
  const salt = randomBytes(16);
  return `$pbkdf2-${digest}$i=${iterations}$${b64(salt)}$${b64(pbkdf2Sync(password, salt, iterations, 32, digest))}`;
}
function pbkdf2Django(password: string, iterations = 1000) {
  const salt = "seasalt2024abcdef";
  return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, "sha256").toString("base64")}`;
}

describe("imported password hashes", () => {
  it("verifies the fixed vectors of real systems and the RFCs", async () => {
    expect(await verifyPassword(FIXED.bcryptPassword, "password")).toBe(true);
    expect(await verifyPassword(FIXED.bcryptAbc, "abc")).toBe(true);
    expect(await verifyPassword(FIXED.scryptRfc, "pleaseletmein")).toBe(true);
    expect(await verifyPassword(FIXED.pbkdf2Rfc, "password")).toBe(true);
    expect(await verifyPassword(FIXED.bcryptPassword, "Password")).toBe(false);
    expect(await verifyPassword(FIXED.scryptRfc, "pleaseletmeout")).toBe(false);
    expect(await verifyPassword(FIXED.pbkdf2Rfc, "passw0rd")).toBe(false);
  });

  it("verifies hashes made by each library, and refuses a wrong password", async () => {
    const hashes = [
      await argon2Hash(PASSWORD, { memoryCost: 8192, timeCost: 3, parallelism: 2 }), // argon2id, other parameters
      await argon2Hash(PASSWORD, { algorithm: 1 /* argon2i */ }),
      await bcrypt.hash(PASSWORD, 4),
      (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, "$2y$"), // PHP's prefix
      scryptPhc(PASSWORD),
      scryptPhc(PASSWORD).replace(/\+/g, "."), // passlib's adapted base64
      pbkdf2Phc(PASSWORD),
      pbkdf2Phc(PASSWORD, 1000, "sha512"),
      pbkdf2Phc(PASSWORD).replace("$i=", "$"), // passlib writes the rounds bare
      pbkdf2Django(PASSWORD),
    ];
    for (const h of hashes) {
      expect(parsePasswordHash(h), h).toMatchObject({ ok: true });
      expect(await verifyPassword(h, PASSWORD), h).toBe(true);
      expect(await verifyPassword(h, `${PASSWORD}x`), h).toBe(false);
      expect(needsRehash(h), h).toBe(true);
    }
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
  });

  it("verifies an imported hash made from the password as typed, not only its NFKC form", async () => {
    const typed = "ﬁsh-and-chips-tonight"; // the ligature "ﬁ" folds to "fi" under NFKC
    expect(await verifyPassword(await bcrypt.hash(typed, 4), typed)).toBe(true);
    expect(await verifyPassword(pbkdf2Phc(typed), typed)).toBe(true);
  });

  it("refuses malformed hashes with a reason, and never throws when verifying one", async () => {
    const malformed = [
      "plaintext-password",
      "$2b$10$tooshort",
      "$scrypt$ln=10,r=8$c2FsdA$c2FsdA",
      "$scrypt$ln=10,r=8,p=1$!!!$c2FsdA",
      "$pbkdf2-md5$i=1000$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE",
      "$pbkdf2-sha256$i=abc$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE",
      "$pbkdf2-sha256$i=1000$c2FsdA$c2FsdA", // a 4-byte hash: too short to mean anything
      "$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
      "md5$abc$def",
    ];
    for (const h of malformed) {
      const parsed = parsePasswordHash(h);
      expect(parsed.ok, h).toBe(false);
      if (!parsed.ok) expect(parsed.reason.length, h).toBeGreaterThan(5);
      expect(await verifyPassword(h, PASSWORD), h).toBe(false);
    }
  });

  it("refuses parameters above the ceilings at import and at sign-in, without running them", async () => {
    const salt = b64(randomBytes(16));
    const key = b64(randomBytes(32));
    const overLimit: [string, RegExp][] = [
      [`$2b$15$${"a".repeat(53)}`, /bcrypt cost/],
      [`$scrypt$ln=18,r=8,p=1$${salt}$${key}`, /scrypt ln/],
      [`$scrypt$ln=14,r=16,p=16$${salt}$${key}`, /r·p/],
      [`$scrypt$ln=17,r=16,p=1$${salt}$${key}`, /memory/],
      [`$pbkdf2-sha256$i=2000001$${salt}$${key}`, /iterations/],
      [`pbkdf2_sha256$5000000$salt$${key}`, /iterations/],
      [`$argon2id$v=19$m=1048576,t=2,p=1$${salt}$${key}`, /argon2 memory/],
      [`$argon2id$v=19$m=65536,t=50,p=1$${salt}$${key}`, /argon2 passes/],
    ];
    for (const [h, reason] of overLimit) {
      const parsed = parsePasswordHash(h);
      expect(parsed, h).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
      const started = performance.now();
      expect(await verifyPassword(h, PASSWORD), h).toBe(false);
      expect(performance.now() - started, h).toBeLessThan(50); // refused before any key derivation
    }
    // At the ceiling itself: accepted.
    expect(parsePasswordHash(`$pbkdf2-sha256$i=2000000$${salt}$${key}`).ok).toBe(true);
    expect(parsePasswordHash(`$scrypt$ln=17,r=8,p=1$${salt}$${key}`).ok).toBe(true);
    expect(parsePasswordHash(`$argon2id$v=19$m=131072,t=4,p=4$${salt}$${key}`).ok).toBe(true);
    expect(parsePasswordHash(`$2b$12$${"a".repeat(53)}`).ok).toBe(true);
  });

  it("imports under the tighter ceilings, but still verifies a hash an earlier import accepted", async () => {
    const salt = b64(randomBytes(16));
    const key = b64(randomBytes(32));
    for (const [h, reason] of [
      [`$2b$13$${"a".repeat(53)}`, /bcrypt cost/],
      [`$argon2id$v=19$m=262144,t=3,p=1$${salt}$${key}`, /memory × passes/],
      [`$scrypt$ln=16,r=8,p=4$${salt}$${key}`, /work/],
    ] as const) {
      expect(parsePasswordHash(h), h).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
      expect(parsePasswordHash(h, STORED_HASH_LIMITS).ok, h).toBe(true);
    }
    const earlier = bcrypt.hashSync(PASSWORD, 13);
    expect(await verifyPassword(earlier, PASSWORD)).toBe(true);
    expect(await verifyPassword(earlier, `${PASSWORD}x`)).toBe(false);
  });
});
