// The database store for counters when REDIS_URL is not set: the part of rate-limiter-flexible's
// limiter interface that Portico uses (get, consume, penalty, reward, block, delete), with the same
// results and the same row format as its RateLimiterPrisma (so counters survive the switch), one
// SQL statement per operation instead of Prisma's two or three.
import "server-only";
import { RateLimiterRes } from "rate-limiter-flexible";
import { addToCounter, deleteCounter, readCounter, type CounterRow } from "./ratelimit.repo";

/** What lib/ratelimit needs of a limiter; RateLimiterRedis provides the same. */
export interface Limiter {
  get(key: string): Promise<RateLimiterRes | null>;
  /** Rejects with a RateLimiterRes when the points are used up. */
  consume(key: string, points?: number, options?: { customDuration?: number }): Promise<RateLimiterRes>;
  penalty(key: string, points?: number): Promise<RateLimiterRes>;
  reward(key: string, points?: number): Promise<RateLimiterRes>;
  /** Sets the counter past its points for `seconds` (consumedPoints = points + 1). */
  block(key: string, seconds: number): Promise<RateLimiterRes>;
  delete(key: string): Promise<boolean>;
}

export class SqlLimiter implements Limiter {
  constructor(
    private readonly keyPrefix: string,
    private readonly points: number,
    private readonly durationSeconds: number,
  ) {}

  private key(key: string): string {
    return `${this.keyPrefix}:${key}`;
  }

  private expireAfter(seconds: number, now: Date): Date | null {
    return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
  }

  private result(row: CounterRow, changed: number, now: Date): RateLimiterRes {
    const msBeforeNext = row.expire ? Math.max(row.expire.getTime() - now.getTime(), 0) : -1;
    return new RateLimiterRes(Math.max(this.points - row.points, 0), msBeforeNext, row.points, row.points === changed);
  }

  async get(key: string): Promise<RateLimiterRes | null> {
    const now = new Date();
    const row = await readCounter(this.key(key), now);
    return row ? this.result(row, NaN, now) : null;
  }

  async consume(key: string, points = 1, options: { customDuration?: number } = {}): Promise<RateLimiterRes> {
    const res = await this.add(key, points, options.customDuration ?? this.durationSeconds);
    if (res.consumedPoints > this.points) throw res;
    return res;
  }

  penalty(key: string, points = 1): Promise<RateLimiterRes> {
    return this.add(key, points, this.durationSeconds);
  }

  reward(key: string, points = 1): Promise<RateLimiterRes> {
    return this.add(key, -points, this.durationSeconds);
  }

  async block(key: string, seconds: number): Promise<RateLimiterRes> {
    const now = new Date();
    const points = this.points + 1;
    return this.result(await addToCounter(this.key(key), points, this.expireAfter(seconds, now), now, true), points, now);
  }

  delete(key: string): Promise<boolean> {
    return deleteCounter(this.key(key));
  }

  private async add(key: string, points: number, seconds: number): Promise<RateLimiterRes> {
    const now = new Date();
    return this.result(await addToCounter(this.key(key), points, this.expireAfter(seconds, now), now), points, now);
  }
}
