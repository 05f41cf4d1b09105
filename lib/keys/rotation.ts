// Key creation and rotation with published-before-use (OIDC Core §10.1.1):
// a new key appears in the JWKS at once but signs only KEY_ACTIVATION_DELAY later, so relying
// parties that cached the JWKS have refreshed it before they meet the new kid. The key it replaces
// stops signing at that moment and stays published for MAX_TOKEN_LIFETIME more, so every token it
// signed expires before its public key disappears. The one exception is a first key for an alg
// (nothing was ever published for it, so no cache can be stale): that key signs immediately.
import "server-only";
import { recordAudit, type AuditActor, type RequestContext } from "@/lib/audit";
import { listKeysOfAlg, lockKeyRotation, insertKey, retireKey, withTransaction, type KeyRecord, type Tx } from "./keys.repo";
import { assertSupportedAlg, generateSigningKey, SUPPORTED_ALGS, type GeneratedKey, type SupportedAlg } from "./jwk";
import { isActive, isPending, keyRing, markKeyRingStale, refreshKeyRing, toKeyRow, type KeyRow } from "./key-ring";

/** A new key is published this long (ms) before it signs; well above JWKS caching (JWKS_MAX_AGE_SECONDS) and the ring's 30 s. */
export const KEY_ACTIVATION_DELAY = 10 * 60_000;
/**
 * Upper bound (ms) on the lifetime of any JWT Portico signs (ID tokens, access tokens, logout
 * tokens): 30 days plus a day of margin for clock skew. A retired key stays published this long.
 * signJwt refuses an `exp` further away than this.
 */
export const MAX_TOKEN_LIFETIME = 31 * 24 * 3600_000;
/** Cache-Control max-age for the JWKS response; must stay well below KEY_ACTIVATION_DELAY. */
export const JWKS_MAX_AGE_SECONDS = 300;

export interface RotatedKey {
  kid: string;
  alg: SupportedAlg;
  createdAt: Date;
  activatesAt: Date;
  /** Keys this one supersedes: they sign until `retiredAt` and stay in the JWKS until `unpublishAt`. */
  retired: { kid: string; retiredAt: Date; unpublishAt: Date }[];
}

export interface RotateOptions {
  now?: Date;
  /** Rotate one alg only; default every supported alg. */
  alg?: string;
  /** Who asked: the audit actor (default system). */
  actor?: AuditActor;
  context?: RequestContext;
  /** ms; how long superseded keys stay published. Default MAX_TOKEN_LIFETIME. */
  maxTokenLifetime?: number;
  /** ms; how long the new key is published before it signs. Default KEY_ACTIVATION_DELAY. */
  activationDelay?: number;
}

const SYSTEM: AuditActor = { type: "system" };

/** Inserts `key` to sign from `activatesAt` and retires, at that moment, every key of its alg that would sign later. */
async function installKey(
  tx: Tx,
  key: GeneratedKey,
  existing: KeyRecord[],
  o: { now: Date; activatesAt: Date; maxTokenLifetime: number },
): Promise<RotatedKey> {
  const retired: RotatedKey["retired"] = [];
  for (const k of existing) {
    if (k.retiredAt !== null && k.retiredAt <= o.activatesAt) continue; // already stops signing before the new key starts
    if (k.unpublishAt !== null && k.unpublishAt <= o.now) continue;
    const unpublishAt = new Date(Math.max(k.unpublishAt?.getTime() ?? 0, o.activatesAt.getTime() + o.maxTokenLifetime));
    await retireKey(k.kid, o.activatesAt, unpublishAt, tx);
    retired.push({ kid: k.kid, retiredAt: o.activatesAt, unpublishAt });
  }
  await insertKey(
    { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateJwkEncrypted: key.sealed, createdAt: o.now, activatesAt: o.activatesAt },
    tx,
  );
  return { kid: key.kid, alg: key.alg, createdAt: o.now, activatesAt: o.activatesAt, retired };
}

function rows(records: KeyRecord[]): KeyRow[] {
  return records.map(toKeyRow).filter((r): r is KeyRow => r !== null);
}

/** Runs `fn` in the caller's transaction, or in a new one; either way under the rotation lock. */
async function underLock<T>(tx: Tx | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const run = async (t: Tx) => {
    await lockKeyRotation(t);
    return fn(t);
  };
  return tx ? run(tx) : withTransaction(run);
}

/**
 * Rotates the signing key of each alg (or of `alg`): the new key is published now, signs from
 * now + activationDelay, and the current key retires then. An alg with no key at all gets a first
 * key that signs immediately. Audited as `keys.rotated`, one event per alg, in the same transaction.
 */
export async function rotateKeys(opts: RotateOptions = {}): Promise<RotatedKey[]> {
  const now = opts.now ?? new Date();
  const algs: SupportedAlg[] = opts.alg === undefined ? [...SUPPORTED_ALGS] : [assertSupportedAlg(opts.alg)];
  const delay = opts.activationDelay ?? KEY_ACTIVATION_DELAY;
  const maxTokenLifetime = opts.maxTokenLifetime ?? MAX_TOKEN_LIFETIME;
  if (!(delay >= 0) || !(maxTokenLifetime > 0)) throw new RangeError("activationDelay must be >= 0 and maxTokenLifetime > 0");
  const generated = await Promise.all(algs.map(generateSigningKey)); // outside the transaction: RSA takes a while
  const rotated = await underLock(undefined, async (tx) => {
    const out: RotatedKey[] = [];
    for (const key of generated) {
      const existing = await listKeysOfAlg(key.alg, tx);
      const activatesAt = existing.length === 0 ? now : new Date(now.getTime() + delay);
      const r = await installKey(tx, key, existing, { now, activatesAt, maxTokenLifetime });
      await recordAudit(
        {
          actor: opts.actor ?? SYSTEM,
          action: "keys.rotated",
          target: { type: "signing_key", id: r.kid },
          result: "success",
          context: opts.context,
          details: { alg: r.alg, activatesAt: r.activatesAt.toISOString(), retired: r.retired.map((k) => k.kid), firstKey: existing.length === 0 },
        },
        tx,
      );
      out.push(r);
    }
    return out;
  });
  await refreshKeyRing(now); // this process publishes the new keys at once
  return rotated;
}

/**
 * Makes sure every supported alg can sign: called at server start and lazily before signing.
 * An alg with no key at all gets a key that signs immediately. An alg whose keys are all retired
 * gets a rotation (published now, signing after the delay); one with a pending key just waits.
 * Warms the key ring, so the first token request does not query. Pass `tx` from inside a transaction.
 */
export async function ensureSigningKeys(now: Date = new Date(), opts: { tx?: Tx } = {}): Promise<{ created: RotatedKey[] }> {
  const live = await keyRing(now, { tx: opts.tx, fresh: true });
  const missing = SUPPORTED_ALGS.filter((alg) => !live.some((k) => k.alg === alg && isActive(k, now)) && !live.some((k) => k.alg === alg && isPending(k, now)));
  if (missing.length === 0) return { created: [] };
  const generated = await Promise.all(missing.map(generateSigningKey));
  const created = await underLock(opts.tx, async (tx) => {
    const out: RotatedKey[] = [];
    for (const key of generated) {
      const existing = await listKeysOfAlg(key.alg, tx);
      const current = rows(existing);
      if (current.some((k) => isActive(k, now) || isPending(k, now))) continue; // another node got there first
      const first = existing.length === 0;
      const activatesAt = first ? now : new Date(now.getTime() + KEY_ACTIVATION_DELAY);
      const r = await installKey(tx, key, existing, { now, activatesAt, maxTokenLifetime: MAX_TOKEN_LIFETIME });
      await recordAudit(
        {
          actor: SYSTEM,
          action: first ? "keys.created" : "keys.rotated",
          target: { type: "signing_key", id: r.kid },
          result: "success",
          details: { alg: r.alg, activatesAt: r.activatesAt.toISOString(), retired: r.retired.map((k) => k.kid), reason: first ? "first_key" : "no_active_key" },
        },
        tx,
      );
      out.push(r);
    }
    return out;
  });
  if (created.length === 0) return { created };
  if (opts.tx) markKeyRingStale(); // not committed yet: the caller reads through its transaction meanwhile
  else await refreshKeyRing(now);
  return { created };
}
