// Sign-in throttling (ARCHITECTURE.md §4, NIST 800-63B rev 4 §3.2.2): failures are counted per account
// key and per IP. From the Nth failure on, each further attempt must wait twice as long as the one
// before (progressive delay); at the lock threshold the account key is locked for a while.
// Account keys are derived from the submitted email whether or not an account exists, so a locked
// or delayed response never tells an attacker which emails are registered.
import "server-only";
import crypto from "node:crypto";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { config, deriveKey } from "@/lib/config";
import { createLimiter } from "./store";

export type ThrottleVerdict =
  | { allowed: true; failures: number }
  | { allowed: false; reason: "delayed" | "locked" | "ip_blocked"; retryAfterSeconds: number };

const DAY = 24 * 3600;
const MAX_DELAY_SECONDS = 300;
const IP_WINDOW_SECONDS = 15 * 60;

interface Limiters {
  failures: RateLimiterAbstract;
  wait: RateLimiterAbstract;
  ip: RateLimiterAbstract;
}
let limiters: Promise<Limiters> | undefined;
function getLimiters(): Promise<Limiters> {
  const c = config();
  limiters ??= Promise.all([
    createLimiter({ keyPrefix: "login-fail", points: 1_000_000, durationSeconds: DAY }),
    createLimiter({ keyPrefix: "login-wait", points: 1, durationSeconds: 1 }),
    createLimiter({
      keyPrefix: "login-ip",
      points: c.LOGIN_IP_MAX_FAILURES,
      durationSeconds: IP_WINDOW_SECONDS,
    }),
  ]).then(([failures, wait, ip]) => ({ failures, wait, ip }));
  return limiters;
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

export async function checkLoginThrottle(email: string, ip: string | undefined): Promise<ThrottleVerdict> {
  const l = await getLimiters();
  const key = accountKey(email);
  const [fail, ipRes] = await Promise.all([l.failures.get(key), ip ? l.ip.get(ip) : null]);
  if (ipRes && ipRes.consumedPoints > config().LOGIN_IP_MAX_FAILURES) {
    return { allowed: false, reason: "ip_blocked", retryAfterSeconds: Math.ceil(ipRes.msBeforeNext / 1000) };
  }
  const failures = fail?.consumedPoints ?? 0;
  // Below the delay threshold there is no wait to look up: the common case costs two reads.
  if (failures < config().LOGIN_DELAY_AFTER) return { allowed: true, failures };
  const wait = await l.wait.get(key);
  if (wait && wait.consumedPoints > 1 && wait.msBeforeNext > 0) {
    const locked = failures >= config().LOGIN_LOCK_AFTER;
    return { allowed: false, reason: locked ? "locked" : "delayed", retryAfterSeconds: Math.ceil(wait.msBeforeNext / 1000) };
  }
  return { allowed: true, failures };
}

/**
 * Counts one failure; returns the new count and whether this failure locked the account key.
 * Attempts are refused unchecked while a lock runs, so every failure at or past the threshold
 * starts a new lock (the counter outlives the lock): each one must be recorded, audited and mailed.
 */
export async function recordLoginFailure(email: string, ip: string | undefined): Promise<{ failures: number; lockedNow: boolean }> {
  const l = await getLimiters();
  const key = accountKey(email);
  if (ip) await l.ip.penalty(ip, 1);
  const res = await l.failures.penalty(key, 1);
  const failures = res.consumedPoints;
  const delay = delayAfterFailures(failures);
  if (delay > 0) await l.wait.block(key, delay);
  return { failures, lockedNow: failures >= config().LOGIN_LOCK_AFTER };
}

/** A successful sign-in, an unlock link or a password reset clears the account's counters. */
export async function clearLoginThrottle(email: string): Promise<void> {
  const l = await getLimiters();
  const key = accountKey(email);
  await Promise.all([l.failures.delete(key), l.wait.delete(key)]);
}

/** Tests: forget limiter instances (they hold a reference to the current database). */
export function resetLoginThrottleForTests(): void {
  limiters = undefined;
}
