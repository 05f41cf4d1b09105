// Password hashes brought from another system by a user import (lib/user-import). Each is parsed
// against a ceiling on its cost, checked at import (a refused row names the reason) and again at
// every verification: a hostile import must not make one sign-in burn seconds of CPU or a large
// amount of memory. After the first successful sign-in the hash is replaced by Portico's own
// argon2id (lib/users/login.ts, needsRehash). Accepted encodings (docs/architecture.md):
//   argon2id / argon2i / argon2d  PHC strings ($argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>)
//   bcrypt                        $2a$ / $2b$ / $2y$, cost 4..12
//   scrypt                        $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>   (passlib's PHC form)
//   PBKDF2 (PHC / passlib)        $pbkdf2-sha256$i=<iterations>$<salt>$<hash>  (also "$pbkdf2-sha256$<iterations>$...",
//                                 -sha1 / -sha512, and "$pbkdf2$" = SHA-1 as passlib writes it)
//   PBKDF2 (Django)               pbkdf2_sha256$<iterations>$<salt text>$<hash b64>   (pbkdf2_sha1 too)
// PHC salts and hashes are base64 without padding (RFC 4648 §4), passlib's "." for "+" accepted;
// Django's salt is the text itself, its hash padded base64.
import "server-only";
import { pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from "node:crypto";
import bcrypt from "bcryptjs";

/**
 * The ceilings at import. Above them a row is rejected with the reason. Each allows what the
 * systems imports come from write by default (bcrypt 10 to 12, Django's PBKDF2 at 1.2 million
 * iterations, passlib's scrypt ln=16, RFC 9106's second argon2id choice: 64 MiB, 3 passes) and
 * keeps one verification under ~0.5 s of CPU on this project's 2-core machine (bench/RESULTS.md):
 * bcrypt 12 in bcryptjs 0.28 s (14 was 1.1 s), PBKDF2-SHA256 2,000,000 0.39 s, scrypt
 * N·r·p = 2^20 0.47 s, argon2 128 MiB × 4 passes 0.12 s.
 */
export const HASH_LIMITS = {
  bcryptMaxCost: 12,
  /** scrypt: N = 2^ln; memory is 128·N·r bytes, work grows with N·r·p. */
  scryptMaxLogN: 17,
  scryptMaxR: 16,
  scryptMaxP: 16,
  scryptMaxRTimesP: 32,
  scryptMaxMemoryBytes: 128 * 1024 * 1024,
  scryptMaxWork: 2 ** 20,
  pbkdf2MaxIterations: 2_000_000,
  /** argon2: memory in KiB, passes, lanes; work grows with memory × passes. */
  argon2MaxMemoryKiB: 262_144,
  argon2MaxTime: 10,
  argon2MaxParallelism: 8,
  argon2MaxWork: 524_288,
  /** Salt and derived key lengths, in bytes. */
  maxSaltBytes: 128,
  minHashBytes: 16,
  maxHashBytes: 128,
} as const;

export type HashLimits = { [K in keyof typeof HASH_LIMITS]: number };

/**
 * The ceilings at verification: those imports were first accepted under (bcrypt 14, no work
 * product), so an account imported earlier still signs in; still bounded, so a stored hash cannot
 * make one verification take seconds or gigabytes.
 */
export const STORED_HASH_LIMITS: HashLimits = { ...HASH_LIMITS, bcryptMaxCost: 14, scryptMaxWork: 128 * 2 ** 17, argon2MaxWork: 262_144 * 10 };

const PBKDF2_DIGESTS = { sha1: "sha1", sha256: "sha256", sha512: "sha512" } as const;
type Pbkdf2Digest = keyof typeof PBKDF2_DIGESTS;

export type ParsedHash =
  | { kind: "argon2" }
  | { kind: "bcrypt" }
  | { kind: "scrypt"; N: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { kind: "pbkdf2"; digest: Pbkdf2Digest; iterations: number; salt: Buffer; hash: Buffer };

export type HashParse = { ok: true; hash: ParsedHash } | { ok: false; reason: string };

const refuse = (reason: string): HashParse => ({ ok: false, reason });

const B64 = /^[A-Za-z0-9+/.]+={0,2}$/;
/** RFC 4648 §4 base64, with or without padding; passlib's adapted alphabet writes "." for "+". */
function decodeB64(text: string): Buffer | null {
  if (!text || !B64.test(text)) return null;
  const bytes = Buffer.from(text.replace(/\./g, "+"), "base64");
  return bytes.length ? bytes : null;
}

function params(text: string): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const part of text.split(",")) {
    const m = /^([a-z]+)=(\d{1,10})$/.exec(part);
    if (!m || out.has(m[1]!)) return null;
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

function saltAndHash(saltText: string, hashText: string, saltIsText = false): { salt: Buffer; hash: Buffer } | string {
  const salt = saltIsText ? Buffer.from(saltText, "utf8") : decodeB64(saltText);
  const hash = decodeB64(hashText);
  if (!salt || !salt.length || !hash) return "the salt or the hash is not valid base64";
  if (salt.length > HASH_LIMITS.maxSaltBytes) return `the salt is longer than ${HASH_LIMITS.maxSaltBytes} bytes`;
  if (hash.length < HASH_LIMITS.minHashBytes || hash.length > HASH_LIMITS.maxHashBytes) return `the hash must be ${HASH_LIMITS.minHashBytes} to ${HASH_LIMITS.maxHashBytes} bytes`;
  return { salt, hash };
}

function parseArgon2(stored: string, limits: HashLimits): HashParse {
  const m = /^\$argon2(id|i|d)\$(?:v=(16|19)\$)?(m=\d+,t=\d+,p=\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  const p = m && params(m[3]!);
  if (!m || !p) return refuse("malformed argon2 hash");
  const [memory, time, lanes] = [p.get("m")!, p.get("t")!, p.get("p")!];
  if (memory > limits.argon2MaxMemoryKiB) return refuse(`argon2 memory above ${limits.argon2MaxMemoryKiB} KiB`);
  if (time < 1 || time > limits.argon2MaxTime) return refuse(`argon2 passes must be 1 to ${limits.argon2MaxTime}`);
  if (lanes < 1 || lanes > limits.argon2MaxParallelism) return refuse(`argon2 parallelism must be 1 to ${limits.argon2MaxParallelism}`);
  if (memory < 8 * lanes) return refuse("malformed argon2 hash"); // RFC 9106 §3.1: m ≥ 8·p
  if (memory * time > limits.argon2MaxWork) return refuse(`argon2 memory × passes above ${limits.argon2MaxWork} KiB`);
  return { ok: true, hash: { kind: "argon2" } };
}

function parseBcrypt(stored: string, limits: HashLimits): HashParse {
  const m = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(stored);
  if (!m) return refuse("malformed bcrypt hash");
  const cost = Number(m[1]);
  if (cost < 4 || cost > limits.bcryptMaxCost) return refuse(`bcrypt cost must be 4 to ${limits.bcryptMaxCost}`);
  return { ok: true, hash: { kind: "bcrypt" } };
}

function parseScrypt(stored: string, limits: HashLimits): HashParse {
  const m = /^\$scrypt\$([^$]+)\$([^$]+)\$([^$]+)$/.exec(stored);
  const p = m && params(m[1]!);
  if (!m || !p || !p.has("ln") || !p.has("r") || !p.has("p") || p.size !== 3) return refuse("malformed scrypt hash");
  const [ln, r, par] = [p.get("ln")!, p.get("r")!, p.get("p")!];
  if (ln < 1 || ln > limits.scryptMaxLogN) return refuse(`scrypt ln must be 1 to ${limits.scryptMaxLogN}`);
  if (r < 1 || r > limits.scryptMaxR || par < 1 || par > limits.scryptMaxP || r * par > limits.scryptMaxRTimesP) {
    return refuse(`scrypt r and p must be 1 to ${limits.scryptMaxR} with r·p at most ${limits.scryptMaxRTimesP}`);
  }
  const N = 2 ** ln;
  if (128 * N * r > limits.scryptMaxMemoryBytes) return refuse("scrypt memory (128·N·r) above 128 MiB");
  if (N * r * par > limits.scryptMaxWork) return refuse(`scrypt work (N·r·p) above ${limits.scryptMaxWork}`);
  const parts = saltAndHash(m[2]!, m[3]!);
  if (typeof parts === "string") return refuse(`scrypt: ${parts}`);
  return { ok: true, hash: { kind: "scrypt", N, r, p: par, ...parts } };
}

function pbkdf2Hash(digest: string | undefined, iterationsText: string, saltText: string, hashText: string, saltIsText: boolean, limits: HashLimits): HashParse {
  if (!digest || !(digest in PBKDF2_DIGESTS)) return refuse("PBKDF2 digest must be sha1, sha256 or sha512");
  const iterations = /^\d{1,10}$/.test(iterationsText) ? Number(iterationsText) : NaN;
  if (!(iterations >= 1 && iterations <= limits.pbkdf2MaxIterations)) return refuse(`PBKDF2 iterations must be 1 to ${limits.pbkdf2MaxIterations}`);
  const parts = saltAndHash(saltText, hashText, saltIsText);
  if (typeof parts === "string") return refuse(`PBKDF2: ${parts}`);
  return { ok: true, hash: { kind: "pbkdf2", digest: digest as Pbkdf2Digest, iterations, ...parts } };
}

function parsePbkdf2Phc(stored: string, limits: HashLimits): HashParse {
  const m = /^\$pbkdf2(?:-(sha1|sha256|sha512))?\$(?:i=)?([^$]+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!m) return refuse("malformed PBKDF2 hash");
  return pbkdf2Hash(m[1] ?? "sha1", m[2]!, m[3]!, m[4]!, false, limits);
}

function parseDjangoPbkdf2(stored: string, limits: HashLimits): HashParse {
  const m = /^pbkdf2_(sha1|sha256|sha512)\$([^$]+)\$([^$]+)\$([^$]+)$/.exec(stored);
  if (!m) return refuse("malformed PBKDF2 hash");
  return pbkdf2Hash(m[1], m[2]!, m[3]!, m[4]!, true, limits);
}

/** Reads an imported (default: the import's ceilings) or stored hash: which algorithm, and whether its cost is within the ceilings. */
export function parsePasswordHash(stored: string, limits: HashLimits = HASH_LIMITS): HashParse {
  if (stored.length > 1024) return refuse("the hash is too long");
  if (stored.startsWith("$argon2")) return parseArgon2(stored, limits);
  if (stored.startsWith("$2")) return parseBcrypt(stored, limits);
  if (stored.startsWith("$scrypt$")) return parseScrypt(stored, limits);
  if (stored.startsWith("$pbkdf2")) return parsePbkdf2Phc(stored, limits);
  if (stored.startsWith("pbkdf2_")) return parseDjangoPbkdf2(stored, limits);
  return refuse("unsupported hash format (argon2, bcrypt, scrypt or PBKDF2 expected)");
}

export type PasswordScheme = "none" | "argon2id" | "argon2i" | "argon2d" | "bcrypt" | "scrypt" | "pbkdf2" | "unknown";

/**
 * The algorithm of a stored hash, by its prefix alone (no secret in it): what an export reports so an
 * operator can follow a migration (accounts still on an imported hash have not signed in since).
 */
export function passwordScheme(stored: string | null): PasswordScheme {
  if (!stored) return "none";
  const argon = /^\$(argon2id|argon2i|argon2d)\$/.exec(stored);
  if (argon) return argon[1] as PasswordScheme;
  if (/^\$2[aby]\$/.test(stored)) return "bcrypt";
  if (stored.startsWith("$scrypt$")) return "scrypt";
  if (stored.startsWith("$pbkdf2") || stored.startsWith("pbkdf2_")) return "pbkdf2";
  return "unknown";
}

function scryptAsync(password: BinaryLike, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

function pbkdf2Async(password: BinaryLike, salt: Buffer, iterations: number, keylen: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(password, salt, iterations, keylen, digest, (e, key) => (e ? reject(e) : resolve(key))));
}

/**
 * Verifies `password` against a parsed bcrypt, scrypt or PBKDF2 hash (argon2 is verified by the
 * caller, with its own library). The derived key is compared in constant time (timingSafeEqual).
 */
export async function verifyLegacyHash(stored: string, parsed: ParsedHash, password: string): Promise<boolean> {
  switch (parsed.kind) {
    case "bcrypt":
      return bcrypt.compare(password, stored);
    case "scrypt": {
      const key = await scryptAsync(password, parsed.salt, parsed.hash.length, { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: 128 * parsed.N * parsed.r * 2 + 1024 * 1024 });
      return timingSafeEqual(key, parsed.hash);
    }
    case "pbkdf2": {
      const key = await pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.hash.length, PBKDF2_DIGESTS[parsed.digest]);
      return timingSafeEqual(key, parsed.hash);
    }
    default:
      return false;
  }
}
