// Sign-in throttling (NIST 800-63B rev 4 §3.2.2): failures are counted per account
// key and per IP. From the Nth failure on, each further attempt must wait twice as long as the one
// before (progressive delay); at the lock threshold the account key is locked for a while.
// Account keys are derived from the submitted email whether or not an account exists, so a locked
// or delayed response never tells an attacker which emails are registered.
//
// An attempt is reserved before its password is verified, with the store's atomic increment
// (rate-limiter-flexible `consume`: one Lua script on Redis, one INSERT … ON CONFLICT DO UPDATE in
// the database), so concurrent guesses cannot all pass a check made before the first failure is
// counted. Reservations (attempts in flight plus failures) decide who may try; the failures alone,
// counted when each is known, decide the wait and the lock, so attempts refused in a burst never
// add to them. A success or an attempt that was not a guess gives its reservation back.
import "server-only";
import crypto from "node:crypto";
import { RateLimiterRes } from "rate-limiter-flexible";
import { config, deriveKey } from "@/lib/config";
import { processSingleton } from "@/lib/process";
import { createLimiter } from "./store";
import type { Limiter } from "./sql-limiter";

/** A reserved attempt: settle it with recordLoginFailure, loginAttemptSucceeded or cancelLoginAttempt. */
export interface LoginAttempt {
  readonly key: string;
  readonly ip: string | undefined;
  /** Holds the account's wait slot: its failure may be one after which the next attempt must wait. */
  readonly gated: boolean;
}

export type ThrottleVerdict =
  | { allowed: true; attempt: LoginAttempt }
  | { allowed: false; reason: "delayed" | "locked" | "ip_blocked"; retryAfterSeconds: number };

const DAY = 24 * 3600;
const MAX_DELAY_SECONDS = 300;
const IP_WINDOW_SECONDS = 15 * 60;
/** How long a gated attempt may take to verify before the slot it holds lapses on its own (a crash). */
const VERIFICATION_SECONDS = 10;

interface Limiters {
  /** Per account key: failures plus attempts in flight (reservations). */
  tries: Limiter;
  failures: Limiter;
  /** Per account key: the running wait or lock, or the one gated attempt in flight. */
  wait: Limiter;
  ip: Limiter;
}
const limiters = processSingleton("ratelimit.login", () => ({ current: undefined as Promise<Limiters> | undefined }));
function getLimiters(): Promise<Limiters> {
  const c = config();
  limiters.current ??= Promise.all([
    createLimiter({ keyPrefix: "login-try", points: 1_000_000, durationSeconds: DAY }),
    createLimiter({ keyPrefix: "login-fail", points: 1_000_000, durationSeconds: DAY }),
    createLimiter({ keyPrefix: "login-wait", points: 1, durationSeconds: 1 }),
    createLimiter({
      keyPrefix: "login-ip",
      points: c.LOGIN_IP_MAX_FAILURES,
      durationSeconds: IP_WINDOW_SECONDS,
    }),
  ]).then(([tries, failures, wait, ip]) => ({ tries, failures, wait, ip }));
  return limiters.current;
}

/** HMAC of the normalised email: counters never store addresses in clear. */
export function accountKey(email: string): string {
  return crypto.createHmac("sha256", deriveKey("throttle")).update(email.trim().toLowerCase()).digest("base64url");
}

/** Seconds to wait after `failures` consecutive failures (0 = no delay). */
export function delayAfterFailures(failures: number): number {
  const c = config();
  if (failures >= c.LOGIN_LOCK_AFTER) return c.LOGIN_LOCK_MINUTES * 60;
  if (failures < c.LOGIN_DELAY_AFTER) return 0;
  return Math.min(2 ** (failures - c.LOGIN_DELAY_AFTER), MAX_DELAY_SECONDS);
}

/** One atomic increment; `taken` is false when it went past the limiter's points. */
async function consume(limiter: Limiter, key: string, seconds?: number): Promise<{ taken: boolean; res: RateLimiterRes }> {
  try {
    return { taken: true, res: await limiter.consume(key, 1, seconds ? { customDuration: seconds } : {}) };
  } catch (e) {
    if (e instanceof RateLimiterRes) return { taken: false, res: e };
    throw e;
  }
}

const secondsOf = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
const ipBlocked = (res: RateLimiterRes): ThrottleVerdict => ({ allowed: false, reason: "ip_blocked", retryAfterSeconds: secondsOf(res) });
const delayed = (wait: RateLimiterRes): ThrottleVerdict => ({ allowed: false, reason: "delayed", retryAfterSeconds: secondsOf(wait) });

/**
 * Reserves one password attempt for the email's account key and the IP, or says why not. A refused
 * attempt counts nowhere. Only one attempt whose failure would start a wait (or a lock) is in
 * flight per account at a time, so a burst verifies no more guesses than sequential tries would.
 */
export async function reserveLoginAttempt(email: string, ip: string | undefined): Promise<ThrottleVerdict> {
  const l = await getLimiters();
  const c = config();
  const key = accountKey(email);
  // Plain reads first: an attempt that is refused anyway costs no write (hammering stays cheap).
  const [fail, wait, ipSeen] = await Promise.all([l.failures.get(key), l.wait.get(key), ip ? l.ip.get(ip) : null]);
  if (ipSeen && ipSeen.consumedPoints >= c.LOGIN_IP_MAX_FAILURES) return ipBlocked(ipSeen);
  if (wait && wait.consumedPoints > 0 && wait.msBeforeNext > 0) {
    // A wait set by a failure (block() stores points + 1), or an attempt still being verified.
    const lock = wait.consumedPoints > 1 && (fail?.consumedPoints ?? 0) >= c.LOGIN_LOCK_AFTER;
    return lock ? { allowed: false, reason: "locked", retryAfterSeconds: secondsOf(wait) } : delayed(wait);
  }

  const ipTaken = ip ? await consume(l.ip, ip) : null;
  if (ipTaken && !ipTaken.taken) {
    await l.ip.reward(ip!, 1);
    return ipBlocked(ipTaken.res);
  }
  const tries = (await consume(l.tries, key)).res.consumedPoints;
  const mayStartWait = delayAfterFailures(tries) > 0 || delayAfterFailures((fail?.consumedPoints ?? 0) + 1) > 0;
  if (!mayStartWait) return { allowed: true, attempt: { key, ip, gated: false } };

  // This failure could start a wait: take the account's wait slot while the password is verified.
  // Whoever loses the slot raced an attempt in flight; the next try after it meets the real wait.
  const gate = await consume(l.wait, key, VERIFICATION_SECONDS);
  if (gate.taken) return { allowed: true, attempt: { key, ip, gated: true } };
  await Promise.all([l.tries.reward(key, 1), ip ? l.ip.reward(ip, 1) : null]);
  return delayed(gate.res);
}

/**
 * The attempt failed: its reservation stays counted. Returns the account's failure count and whether
 * this failure locked the account key. Attempts are refused unchecked while a lock runs, so every
 * failure at or past the threshold starts a new lock (the counter outlives the lock): each one must
 * be recorded, audited and mailed.
 */
export async function recordLoginFailure(attempt: LoginAttempt): Promise<{ failures: number; lockedNow: boolean }> {
  const l = await getLimiters();
  const failures = (await l.failures.penalty(attempt.key, 1)).consumedPoints;
  const delay = delayAfterFailures(failures);
  if (delay > 0) await l.wait.block(attempt.key, delay);
  else if (attempt.gated && !(await othersInFlight(l, attempt.key, failures))) await l.wait.delete(attempt.key);
  // (With others in flight the slot stays taken: one of them may be the failure that starts the wait.)
  return { failures, lockedNow: failures >= config().LOGIN_LOCK_AFTER };
}

/** Whether attempts besides the failures counted so far are still being verified. */
async function othersInFlight(l: Limiters, key: string, failures: number): Promise<boolean> {
  return ((await l.tries.get(key))?.consumedPoints ?? 0) > failures;
}

/** The password was right: the account's counters clear and the IP gets its point back. */
export async function loginAttemptSucceeded(attempt: LoginAttempt): Promise<void> {
  const l = await getLimiters();
  // An attempt that took no wait slot found none running: only the counts are left to clear.
  await Promise.all([
    l.tries.delete(attempt.key),
    l.failures.delete(attempt.key),
    attempt.gated ? l.wait.delete(attempt.key) : null,
    attempt.ip ? l.ip.reward(attempt.ip, 1) : null,
  ]);
}

/** The attempt was not a guess that failed nor a sign-in (the right password on a locked account): undo it. */
export async function cancelLoginAttempt(attempt: LoginAttempt): Promise<void> {
  const l = await getLimiters();
  await Promise.all([
    l.tries.reward(attempt.key, 1),
    attempt.gated ? l.wait.delete(attempt.key) : null,
    attempt.ip ? l.ip.reward(attempt.ip, 1) : null,
  ]);
}

/** An unlock link or a password reset clears the account's counters. */
export async function clearLoginThrottle(email: string): Promise<void> {
  const l = await getLimiters();
  const key = accountKey(email);
  await Promise.all([l.tries.delete(key), l.failures.delete(key), l.wait.delete(key)]);
}

/** Tests: forget limiter instances (they hold a reference to the current database). */
export function resetLoginThrottleForTests(): void {
  limiters.current = undefined;
}
