import "server-only";
import { deleteCountersExpiredBefore } from "./ratelimit.repo";

/** Counters that lapsed over an hour ago (a lapsed counter already reads as absent; this keeps the table small). */
export function sweepExpiredCounters(now = new Date()): Promise<number> {
  return deleteCountersExpiredBefore(new Date(now.getTime() - 3600_000));
}
