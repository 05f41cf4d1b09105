// The in-process key ring: every live signing key (published, pending or active) with its sealed
// private key, loaded in one query and reused, so the token endpoint signs without touching the
// database. Rows carry their time fields, so "which key signs now" is decided per call from `now`:
// activation and retirement need no reload. Reloads only catch changes made by other processes,
// which rotation makes harmless by publishing keys KEY_ACTIVATION_DELAY before they sign; with Redis,
// a rotation also tells every node to reload at once (lib/process).
//
// Stale-while-revalidate: once loaded, the ring always answers at once; past RING_TTL_MS a reload runs
// in the background, and a rotation in this process swaps in a fresh ring before it returns. Why never
// block: on the embedded database a query issued while someone's interactive transaction is open waits
// for that transaction to end (PGlite has one connection), and the token endpoint signs inside one.
// Only a cold ring blocks: ensureSigningKeys() at server start warms it (or pass `tx`).
import "server-only";
import { onInvalidation, processSingleton, publishInvalidation } from "@/lib/process";
import { listLiveKeys, type SealedKeyRecord, type Tx } from "./keys.repo";
import { importPrivateKey, importPublicKey, isSupportedAlg, publicMembers, type PublicKeyMembers, type SupportedAlg } from "./jwk";

export interface KeyRow {
  kid: string;
  alg: SupportedAlg;
  publicJwk: PublicKeyMembers;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
  unpublishAt: Date | null;
}
type RingRow = KeyRow & { sealed: string };

/** After this, the ring is refreshed in the background (another node's rotation shows within ~30 s). */
export const RING_TTL_MS = 30_000;
/** Rows are loaded from `now - LOOKBACK` on, so calls with a slightly earlier `now` reuse the ring. */
const LOOKBACK_MS = 24 * 3600_000;
/** The invalidation a node publishes when it changed the keys (lib/process). */
const KEY_RING_CHANGED = "keys.ring";

/** Published: in the JWKS from createdAt until unpublishAt. */
export function isPublished(k: KeyRow, now: Date): boolean {
  return k.createdAt <= now && (k.unpublishAt === null || k.unpublishAt > now);
}

/** Active: may sign, from activatesAt until retiredAt. */
export function isActive(k: KeyRow, now: Date): boolean {
  return isPublished(k, now) && k.activatesAt <= now && (k.retiredAt === null || k.retiredAt > now);
}

/** Pending: published or about to be, will sign later, not superseded before it starts. */
export function isPending(k: KeyRow, now: Date): boolean {
  return k.activatesAt > now && (k.retiredAt === null || k.retiredAt > k.activatesAt) && (k.unpublishAt === null || k.unpublishAt > now);
}

export type KeyStatus = "pending" | "active" | "retired" | "unpublished";
export function keyStatus(k: KeyRow, now: Date): KeyStatus {
  if (k.unpublishAt !== null && k.unpublishAt <= now) return "unpublished";
  if (isActive(k, now)) return "active";
  if (isPending(k, now)) return "pending";
  return "retired";
}

export function toKeyRow(r: Omit<SealedKeyRecord, "privateJwkEncrypted">): KeyRow | null {
  if (!isSupportedAlg(r.alg)) return null; // a row for an alg this build does not know: ignore it
  return {
    kid: r.kid,
    alg: r.alg,
    publicJwk: publicMembers(r.alg, r.publicJwk),
    createdAt: r.createdAt,
    activatesAt: r.activatesAt,
    retiredAt: r.retiredAt,
    unpublishAt: r.unpublishAt,
  };
}

interface Ring {
  rows: RingRow[];
  loadedAtMs: number;
  coversFromMs: number;
}
// Process-wide (lib/process): every bundle signs with, and a rotation refreshes, the same ring.
const state = processSingleton("keys.ring", () => ({ ring: undefined as Ring | undefined, loading: undefined as Promise<Ring> | undefined, generation: 0 }));

// Another node changed the keys (KEY_RING_CHANGED over Redis): reload in the background, never blocking.
onInvalidation(KEY_RING_CHANGED, () => {
  state.generation++; // a load already under way may predate the change
  markKeyRingStale();
});

function load(now: Date, tx?: Tx): Promise<Ring> {
  const gen = state.generation;
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const p = listLiveKeys(since, tx).then((records) => {
    const rows: RingRow[] = [];
    for (const r of records) {
      const row = toKeyRow(r);
      if (row) rows.push({ ...row, sealed: r.privateJwkEncrypted });
    }
    const loaded: Ring = { rows, loadedAtMs: Date.now(), coversFromMs: since.getTime() };
    // What a transaction saw may yet roll back: only loads outside one become the process's ring.
    if (!tx && gen === state.generation) state.ring = loaded;
    return loaded;
  });
  if (!tx) {
    state.loading = p;
    const clear = () => {
      if (state.loading === p) state.loading = undefined;
    };
    p.then(clear, clear);
  }
  return p;
}

/**
 * The live keys, newest activation first. `fresh` forces a reload; `maxAgeMs` forces one if the ring
 * is older. Pass `tx` when calling from inside an interactive transaction.
 */
export async function keyRing(now: Date, opts: { tx?: Tx; fresh?: boolean; maxAgeMs?: number } = {}): Promise<RingRow[]> {
  const r = state.ring;
  const age = r ? Date.now() - r.loadedAtMs : Infinity;
  const usable = r && !opts.fresh && now.getTime() >= r.coversFromMs && age < (opts.maxAgeMs ?? Infinity);
  if (usable) {
    if (age >= RING_TTL_MS && !state.loading) load(now).catch(() => {}); // the next call sees it; errors retried then
    return r.rows;
  }
  if (opts.tx) {
    if (!r && !state.loading) load(now).catch(() => {}); // warms the ring once the caller's transaction ends
    return (await load(now, opts.tx)).rows;
  }
  return (await (state.loading && !opts.fresh ? state.loading : load(now))).rows;
}

/**
 * This process changed the keys: load a new ring and swap it in, and tell the other nodes. The old
 * one keeps answering meanwhile (it lacks only keys that are not active yet), so no caller ever
 * waits on this load.
 */
export async function refreshKeyRing(now: Date): Promise<void> {
  publishInvalidation(KEY_RING_CHANGED); // marks this ring stale too: the load below replaces it
  state.generation++; // a load already in flight must not overwrite the newer picture
  await load(now);
}

/** The keys changed inside a transaction that has not committed yet: reload on next use, in the background. */
export function markKeyRingStale(): void {
  if (state.ring) state.ring = { ...state.ring, loadedAtMs: -Infinity };
}

/** Forget the ring entirely (tests, or the table was changed behind this module's back). The next call blocks on a load. */
export function invalidateKeyRing(): void {
  state.generation++;
  state.ring = undefined;
  state.loading = undefined;
}

// Key material never changes for a kid (the kid is the key's thumbprint): cache imports for good.
const privateKeys = processSingleton("keys.privateKeys", () => new Map<string, Promise<CryptoKey>>());
const publicKeys = processSingleton("keys.publicKeys", () => new Map<string, Promise<CryptoKey>>());

function cached(map: Map<string, Promise<CryptoKey>>, kid: string, make: () => Promise<CryptoKey>): Promise<CryptoKey> {
  let p = map.get(kid);
  if (!p) {
    p = make();
    map.set(kid, p);
    p.catch(() => map.delete(kid)); // a failure (e.g. a wrong secret) is retried, not remembered
  }
  return p;
}

export function privateKeyFor(row: RingRow): Promise<CryptoKey> {
  return cached(privateKeys, row.kid, () => importPrivateKey(row));
}

export function publicKeyFor(row: KeyRow): Promise<CryptoKey> {
  return cached(publicKeys, row.kid, () => importPublicKey(row.alg, row.publicJwk));
}
