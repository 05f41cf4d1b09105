// A plain fixed-window limit for actions that send mail or cost work (resend verification,
// password-reset requests, registration per IP).
import "server-only";
import { RateLimiterRes } from "rate-limiter-flexible";
import { processSingleton } from "@/lib/process";
import { createLimiter, type LimiterSpec } from "./store";
import type { Limiter } from "./sql-limiter";

const cache = processSingleton("ratelimit.fixedWindow", () => new Map<string, Promise<Limiter>>());

/** Returns 0 when allowed, else the seconds to wait. Consumes one point when allowed. */
export async function consumeLimit(spec: LimiterSpec, key: string): Promise<number> {
  // Keyed by the whole spec: a limit read from the config takes effect when the config changes.
  const cacheKey = `${spec.keyPrefix}:${spec.points}:${spec.durationSeconds}`;
  let limiter = cache.get(cacheKey);
  if (!limiter) {
    limiter = createLimiter(spec);
    cache.set(cacheKey, limiter);
  }
  try {
    await (await limiter).consume(key, 1);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    throw e;
  }
}

/**
 * Gives back the point consumeLimit took, for limits that count failures: the attempt is reserved
 * before the check (so concurrent attempts cannot all slip under the limit) and refunded when it
 * succeeds.
 */
export async function refundLimit(spec: LimiterSpec, key: string): Promise<void> {
  const limiter = cache.get(`${spec.keyPrefix}:${spec.points}:${spec.durationSeconds}`);
  if (limiter) await (await limiter).reward(key, 1);
}

export function resetFixedWindowLimitsForTests(): void {
  cache.clear();
}
