// A person's own security history (the portal's activity page; the console's user detail later):
// the audit trail's events about them, in plain language (describe.ts), with the device and the
// approximate place each came from, newest first, a page at a time by keyset on the event id.
import "server-only";
import { findHistoryEventOf, listHistory, type HistoryEvent } from "@/lib/audit";
import { findClientByClientId } from "@/lib/applications";
import { userAgentFamily } from "@/lib/formats";
import { placeOfIp } from "@/lib/risk";
import { assertPermission, type Actor } from "@/lib/users";
import { describeEvent, HISTORY_ACTIONS, type Names, type Tone } from "./describe";
import { isActivityCursor } from "./activity.schema";

export { isActivityCursor } from "./activity.schema";
export type { Tone } from "./describe";

export interface ActivityEntry {
  /** The audit event's id: the page's cursor, and what a report names. */
  id: string;
  /** The audit action it comes from ("login.succeeded"): stable, for machines (the data export). */
  action: string;
  at: Date;
  title: string;
  detail?: string;
  tone: Tone;
  /** A sign-in or an attempt at one: "this wasn't me" is offered. */
  signIn: boolean;
  /** "Chrome on macOS"; null when the event came from no browser (the system, a job). */
  device: string | null;
  /** "Lyon, FR" from the geo-IP database; null when unknown. */
  place: string | null;
  ip: string | null;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  older: string | null;
}

export const ACTIVITY_PAGE_SIZE = 25;
/** The most a caller that reads the whole history (the data export) may ask for in one page. */
export const MAX_ACTIVITY_PAGE_SIZE = 200;

/** The owner reads their own history; an administrator with users:read anyone's. */
function assertMayRead(actor: Actor, userId: string): void {
  if (actor.id !== userId) assertPermission(actor, "users:read");
}

/** Application names for one page, each client id looked up once. */
function applicationNames(): Names & { load: (events: HistoryEvent[]) => Promise<void> } {
  const names = new Map<string, string>();
  return {
    async load(events) {
      // The application an event is about, or the one that acted for the person (details.clientId: a consent or preference an application recorded).
      const ids = new Set(events.flatMap((e) => [e.targetType === "client" ? e.targetId : null, typeof e.details?.clientId === "string" ? e.details.clientId : null]).filter((id): id is string => Boolean(id)));
      await Promise.all([...ids].map(async (id) => names.set(id, (await findClientByClientId(id))?.name ?? "a removed application")));
    },
    application: (clientId) => (clientId && names.get(clientId)) || "an application",
  };
}

function entryOf(event: HistoryEvent, names: Names): ActivityEntry | null {
  const described = describeEvent(event, names);
  if (!described) return null;
  return {
    id: event.id,
    action: event.action,
    at: event.createdAt,
    ...described,
    device: event.userAgent ? userAgentFamily(event.userAgent) : null,
    place: placeOfIp(event.ip),
    ip: event.ip,
  };
}

/**
 * A page of `userId`'s history, older than the entry `before` (a cursor from an earlier page; a
 * malformed one reads as the start). Events the history does not describe are skipped, so a page
 * may hold fewer than `take` (ACTIVITY_PAGE_SIZE, at most MAX_ACTIVITY_PAGE_SIZE) entries and
 * still have older ones.
 */
export async function listActivity(actor: Actor, userId: string, opts: { before?: string; take?: number } = {}): Promise<ActivityPage> {
  assertMayRead(actor, userId);
  const before = opts.before && isActivityCursor(opts.before) ? opts.before : undefined;
  const size = Math.min(Math.max(Math.trunc(opts.take ?? ACTIVITY_PAGE_SIZE), 1), MAX_ACTIVITY_PAGE_SIZE);
  const events = await listHistory(userId, { actions: HISTORY_ACTIONS, before, take: size + 1 });
  const page = events.slice(0, size);
  const names = applicationNames();
  await names.load(page);
  const entries = page.map((e) => entryOf(e, names)).filter((e): e is ActivityEntry => e !== null);
  return { entries, older: events.length > size ? page[page.length - 1]!.id : null };
}

/** One entry of `userId`'s own history, or null when the id names no such entry (someone else's, or one not shown). */
export async function getActivityEntry(actor: Actor, userId: string, eventId: string): Promise<ActivityEntry | null> {
  assertMayRead(actor, userId);
  if (!isActivityCursor(eventId)) return null;
  const event = await findHistoryEventOf(userId, HISTORY_ACTIONS, eventId);
  if (!event) return null;
  const names = applicationNames();
  await names.load([event]);
  return entryOf(event, names);
}
