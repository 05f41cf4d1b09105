import "server-only";
// The incremental rollup: reads audit events past the watermark and adds them to the hourly
// counters in the same transaction as the watermark moves, so each event is counted exactly once.
//
// Late commits. Ids come from a sequence when the INSERT runs, not when its transaction commits:
// a transaction that started first can commit after a later id was already read. So the ids
// missing below the watermark when a batch is read are kept as "pending" in the state row, and
// each run looks them up again by primary key; an id found is counted then and leaves the list. An
// id still missing after PENDING_HORIZON_MS belonged to a transaction that rolled back (or a
// sequence value lost in a crash) and is forgotten: no transaction of Portico stays open that
// long (withTransaction's timeout is 15 s). Concurrent runs queue on the state row (FOR UPDATE).
import { addToCounters, markActive, pruneActiveUsers, readEventsAfter, saveState, snapshotAdoption, withLockedState, type CounterRow, type PendingId, type RollupState } from "./analytics.repo";
import { activeUserOf, hourOf, incrementsOf, utcDayOf, utcMonthOf, type RollupEvent } from "./metrics";

export const PENDING_HORIZON_MS = 60 * 60_000;
/** Ids kept pending at most (a rolled-back bulk insert must not grow the state row without bound). */
const MAX_PENDING = 5_000;
const BATCH = 5_000;

export type RollupResult = { events: number; batches: number; pending: number; adoptionSnapshot: boolean; prunedActiveRows: number };

/** Runs batches until the trail is caught up (or `maxBatches`), then the daily snapshot and pruning. */
export async function runRollup(opts: { now?: Date; maxBatches?: number; batchSize?: number } = {}): Promise<RollupResult> {
  const now = opts.now ?? new Date();
  let events = 0;
  let batches = 0;
  let pending = 0;
  let newest: Date | null = null;
  for (; batches < (opts.maxBatches ?? 200); ) {
    const batch = await rollupBatch(now, opts.batchSize ?? BATCH);
    batches++;
    events += batch.events;
    pending = batch.pending;
    if (batch.newest && (!newest || batch.newest > newest)) newest = batch.newest;
    if (!batch.more) break;
  }
  const adoptionSnapshot = await snapshotAdoption(utcDayOf(now).toISOString().slice(0, 10));
  // Rows of a day (month) are needed only while events of it may still come: two days (two
  // months) behind the newest event read, and behind now, are safe past any late commit.
  const reference = newest && newest < now ? newest : now;
  const dayBefore = new Date(utcDayOf(reference).getTime() - 2 * 86_400_000);
  const monthBefore = new Date(Date.UTC(reference.getUTCFullYear(), reference.getUTCMonth() - 1, 1));
  const prunedActiveRows = await pruneActiveUsers(dayBefore, monthBefore);
  return { events, batches, pending, adoptionSnapshot, prunedActiveRows };
}

/** One transaction: read, count, move the watermark. */
async function rollupBatch(now: Date, take: number): Promise<{ events: number; pending: number; more: boolean; newest: Date | null }> {
  return withLockedState(async (tx, state) => {
    const events = await readEventsAfter(tx, state, take);
    const next = nextState(state, events, now);
    const counters = countersOf(events);
    const fresh = await markActive(tx, activeRowsOf(events));
    for (const f of fresh) counters.push({ bucketStart: f.periodStart, metric: f.period === "day" ? "active.daily" : "active.monthly", dimension: "", application: "", value: 1 });
    await addToCounters(tx, merge(counters));
    await saveState(tx, next);
    const beyond = events.filter((e) => BigInt(e.id) > BigInt(state.lastId));
    const newest = events.reduce<Date | null>((m, e) => (!m || e.createdAt > m ? e.createdAt : m), null);
    return { events: events.length, pending: next.pending.length, more: beyond.length >= take, newest };
  });
}

/**
 * The watermark after a batch: the highest id read; pending gains the ids skipped below it (not
 * committed yet, or never) and loses those now read and those older than the horizon.
 */
export function nextState(state: RollupState, events: readonly Pick<RollupEvent, "id">[], now: Date): RollupState {
  const read = new Set(events.map((e) => e.id));
  const horizon = now.getTime() - PENDING_HORIZON_MS;
  const pending: PendingId[] = state.pending.filter((p) => !read.has(p.id) && Date.parse(p.seenAt) >= horizon);
  let last = BigInt(state.lastId);
  const ids = events.map((e) => BigInt(e.id)).filter((id) => id > last).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of ids) {
    for (let gap = last + 1n; gap < id && pending.length < MAX_PENDING; gap++) pending.push({ id: gap.toString(), seenAt: now.toISOString() });
    last = id;
  }
  return { lastId: last.toString(), pending };
}

export function countersOf(events: readonly RollupEvent[]): CounterRow[] {
  const rows: CounterRow[] = [];
  for (const e of events) {
    const bucketStart = hourOf(e.createdAt);
    for (const inc of incrementsOf(e)) rows.push({ ...inc, bucketStart, value: 1 });
  }
  return merge(rows);
}

function activeRowsOf(events: readonly RollupEvent[]) {
  const seen = new Map<string, { period: "day" | "month"; periodStart: Date; userId: string }>();
  for (const e of events) {
    const userId = activeUserOf(e);
    if (!userId) continue;
    for (const [period, periodStart] of [["day", utcDayOf(e.createdAt)], ["month", utcMonthOf(e.createdAt)]] as const) {
      seen.set(`${period}|${periodStart.getTime()}|${userId}`, { period, periodStart, userId });
    }
  }
  return [...seen.values()];
}

/** One row per key (an upsert may not touch a row twice in one statement). */
function merge(rows: CounterRow[]): CounterRow[] {
  const byKey = new Map<string, CounterRow>();
  for (const r of rows) {
    const key = `${r.bucketStart.getTime()}|${r.metric}|${r.dimension}|${r.application}`;
    const found = byKey.get(key);
    if (found) found.value += r.value;
    else byKey.set(key, { ...r });
  }
  return [...byKey.values()];
}
