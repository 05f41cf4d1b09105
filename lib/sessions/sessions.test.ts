import { describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { config } from "@/lib/config";
import { listAuditEvents } from "@/lib/audit";
import { sweepExpiredState } from "@/lib/startup/janitor";
import { addAuthenticationMethods, createSession, endSession, listSessions, purgeEndedSessions, revokeAllSessions, validateSession } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.44", userAgent: "vitest/1.0" };
const MINUTE = 60_000;

let n = 0;
async function createUser(data: { disabledAt?: Date; emailVerifiedAt?: Date; roles?: string[] } = {}) {
  const { roles, ...rest } = data;
  return t.db().user.create({
    data: { email: `s${++n}@example.com`, displayName: `User ${n}`, ...rest, roles: roles ? { create: roles.map((role) => ({ role })) } : undefined },
  });
}

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

describe(`sessions on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("creates an opaque session, stores only its hash, and validates it with the user", async () => {
    const u = await createUser({ emailVerifiedAt: new Date(), roles: ["admin"] });
    const before = Date.now();
    const s = await createSession(u.id, ctx);
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    expect(s.expiresAt.getTime()).toBeGreaterThanOrEqual(before + config().SESSION_MAX_MINUTES * MINUTE - 1000);

    const row = await t.db().session.findUniqueOrThrow({ where: { id: s.id } });
    expect(row.tokenHash).toBe(sha256(s.token));
    expect(await t.db().session.count({ where: { tokenHash: s.token } })).toBe(0);
    expect(row).toMatchObject({ userId: u.id, ip: ctx.ip, userAgent: ctx.userAgent, revokedAt: null });

    const v = await validateSession(s.token);
    expect(v).toEqual({
      id: s.id,
      createdAt: row.createdAt,
      authTime: row.authTime,
      amr: ["pwd"],
      linkedIdentityId: null,
      expiresAt: row.expiresAt,
      user: { id: u.id, email: u.email, displayName: u.displayName, emailVerified: true, roles: ["admin"] },
    });

    const other = await createSession(u.id, ctx);
    expect(other.token).not.toBe(s.token);
    expect((await listSessions(u.id)).map((x) => x.id).sort()).toEqual([s.id, other.id].sort());
  });

  it("refuses unknown and malformed tokens", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    const changed = s.token.slice(0, -1) + (s.token.endsWith("A") ? "B" : "A");
    for (const bad of ["", "x", changed, s.token + "A", s.token.slice(1), " " + s.token.slice(1), sha256(s.token), "' OR 1=1 --".padEnd(43, "-")]) {
      expect(await validateSession(bad)).toBeNull();
    }
    expect(await validateSession(s.token)).not.toBeNull();
  });

  it("refuses a revoked session", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    await t.db().session.update({ where: { id: s.id }, data: { revokedAt: new Date(), revokedReason: "test" } });
    expect(await validateSession(s.token)).toBeNull();
  });

  it("ends a session idle for longer than SESSION_IDLE_MINUTES, and activity keeps it alive", async () => {
    const u = await createUser();
    const idle = config().SESSION_IDLE_MINUTES * MINUTE;

    const stale = await createSession(u.id, ctx);
    await t.db().session.update({ where: { id: stale.id }, data: { lastSeenAt: new Date(Date.now() - idle - MINUTE) } });
    expect(await validateSession(stale.token)).toBeNull();

    const live = await createSession(u.id, ctx);
    const t0 = Date.now();
    // Just inside the idle window: valid, and the visit moves lastSeenAt forward...
    expect(await validateSession(live.token, new Date(t0 + idle - MINUTE))).not.toBeNull();
    const touched = await t.db().session.findUniqueOrThrow({ where: { id: live.id } });
    expect(touched.lastSeenAt.getTime()).toBe(t0 + idle - MINUTE);
    // ...so the session is still valid a further almost-idle period later.
    expect(await validateSession(live.token, new Date(t0 + 2 * idle - 2 * MINUTE))).not.toBeNull();
    // But not after a full idle period without a visit.
    expect(await validateSession(live.token, new Date(t0 + 3 * idle))).toBeNull();
  });

  it("ends a session at its absolute expiry even when it is in use", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    expect(await validateSession(s.token, new Date(s.expiresAt.getTime() - 1000))).toBeNull(); // idle long before
    await t.db().session.update({ where: { id: s.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await validateSession(s.token)).toBeNull();

    // Activity right up to the end does not extend it.
    const busy = await createSession(u.id, ctx);
    const end = busy.expiresAt.getTime();
    await t.db().session.update({ where: { id: busy.id }, data: { lastSeenAt: new Date(end - MINUTE) } });
    expect(await validateSession(busy.token, new Date(end - 1000))).not.toBeNull();
    expect(await validateSession(busy.token, new Date(end))).toBeNull();
    expect(await validateSession(busy.token, new Date(end + 1000))).toBeNull();
  });

  it("refuses the sessions of a disabled user", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    expect(await validateSession(s.token)).not.toBeNull();
    await t.db().user.update({ where: { id: u.id }, data: { disabledAt: new Date() } });
    expect(await validateSession(s.token)).toBeNull();
  });

  it("ends a session on logout, audits it once, and ignores unknown tokens", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    const keep = await createSession(u.id, ctx);
    await endSession(s.token, ctx);
    expect(await validateSession(s.token)).toBeNull();
    expect(await validateSession(keep.token)).not.toBeNull();
    const row = await t.db().session.findUniqueOrThrow({ where: { id: s.id } });
    expect(row.revokedReason).toBe("logout");

    const events = await listAuditEvents({ action: "session.ended", targetId: s.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "user", actorId: u.id, targetType: "session", result: "success", ip: ctx.ip });

    await endSession(s.token, ctx); // already ended: no second event
    await endSession("no-such-token", ctx);
    expect(await listAuditEvents({ action: "session.ended", targetId: s.id })).toHaveLength(1);
  });

  it("revokes all sessions of one user, optionally keeping one, and leaves other users alone", async () => {
    const u = await createUser();
    const other = await createUser();
    const [a, b, c] = [await createSession(u.id, ctx), await createSession(u.id, ctx), await createSession(u.id, ctx)];
    const theirs = await createSession(other.id, ctx);

    expect(await revokeAllSessions(u.id, "password_changed", { exceptId: b.id })).toBe(2);
    expect(await validateSession(a.token)).toBeNull();
    expect(await validateSession(b.token)).not.toBeNull();
    expect(await validateSession(c.token)).toBeNull();
    expect(await validateSession(theirs.token)).not.toBeNull();
    const rows = await t.db().session.findMany({ where: { id: { in: [a.id, c.id] } } });
    expect(rows.map((r) => r.revokedReason)).toEqual(["password_changed", "password_changed"]);
    expect((await listSessions(u.id)).map((s) => s.id)).toEqual([b.id]);

    // Already revoked sessions are not counted or re-stamped again.
    expect(await revokeAllSessions(u.id, "account_locked")).toBe(1);
    expect(await validateSession(b.token)).toBeNull();
    const again = await t.db().session.findUniqueOrThrow({ where: { id: a.id } });
    expect(again.revokedReason).toBe("password_changed");
    expect(await validateSession(theirs.token)).not.toBeNull();
  });

  it("revokes inside the caller's transaction", async () => {
    const u = await createUser();
    const s = await createSession(u.id, ctx);
    await expect(
      t.db().$transaction(async (tx) => {
        await revokeAllSessions(u.id, "test", { tx });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await validateSession(s.token)).not.toBeNull();
  });
});

describe("authentication methods of a session", () => {
  it("start as given, and a factor proven later adds its methods in order, without repeats", async () => {
    const user = await t.db().user.create({ data: { email: `amr-${crypto.randomBytes(4).toString("hex")}@example.com` } });
    const s = await createSession(user.id, {}, undefined, { amr: ["pwd"] });
    expect((await validateSession(s.token))!.amr).toEqual(["pwd"]);
    await addAuthenticationMethods(s.id, ["otp", "mfa"], {});
    await addAuthenticationMethods(s.id, ["mfa"], {});
    expect((await validateSession(s.token))!.amr).toEqual(["pwd", "otp", "mfa"]);
  });
});

describe("purging ended sessions (the janitor)", () => {
  const DAY = 24 * 60 * MINUTE;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  async function session(userId: string, over: { createdAt: Date; expiresAt: Date; revokedAt?: Date }) {
    return (await t.db().session.create({ data: { userId, tokenHash: sha256(crypto.randomUUID()), lastSeenAt: over.createdAt, ...over } })).id;
  }

  it("deletes sessions revoked or past their absolute end more than 7 days ago, and keeps every other", async () => {
    const u = await createUser();
    const gone = [
      await session(u.id, { createdAt: ago(20), expiresAt: ago(8) }), // ended by its absolute end, 8 days ago
      await session(u.id, { createdAt: ago(10), expiresAt: ago(-20), revokedAt: ago(8) }), // revoked 8 days ago, would have lasted
    ];
    const kept = [
      await session(u.id, { createdAt: ago(20), expiresAt: ago(6) }), // ended 6 days ago
      await session(u.id, { createdAt: ago(10), expiresAt: ago(-20), revokedAt: ago(6) }), // revoked 6 days ago
      await session(u.id, { createdAt: ago(1), expiresAt: ago(-29) }), // live
    ];
    // Purged until nothing old is left, whatever the other tests left behind.
    while ((await purgeEndedSessions(now)) > 0);
    const left = (await t.db().session.findMany({ where: { userId: u.id }, select: { id: true } })).map((s) => s.id);
    expect(left.sort()).toEqual([...kept].sort());
    expect(await t.db().session.count({ where: { id: { in: gone } } })).toBe(0);
  });

  it("deletes in bounded batches: at most batchSize × maxBatches rows a pass, the rest at the next", async () => {
    while ((await purgeEndedSessions(now)) > 0);
    const u = await createUser();
    for (let i = 0; i < 7; i++) await session(u.id, { createdAt: ago(30), expiresAt: ago(9), revokedAt: i % 2 ? ago(10) : undefined });
    expect(await purgeEndedSessions(now, { batchSize: 2, maxBatches: 3 })).toBe(6);
    expect(await t.db().session.count({ where: { userId: u.id } })).toBe(1);
    expect(await purgeEndedSessions(now, { batchSize: 2, maxBatches: 3 })).toBe(1);
    expect(await t.db().session.count({ where: { userId: u.id } })).toBe(0);
  });

  it("runs in the janitor's pass", async () => {
    const u = await createUser();
    await session(u.id, { createdAt: ago(30), expiresAt: ago(9) });
    expect((await sweepExpiredState(now)).endedSessions).toBeGreaterThanOrEqual(1);
    expect(await t.db().session.count({ where: { userId: u.id } })).toBe(0);
  });
});
