// A person's history from the audit trail: only their own events, newest first, a page at a time,
// with device and place; reporting an entry secures the account, and only an entry of one's own.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { recordAudit, listAuditEvents } from "@/lib/audit";
import { createSession, validateSession } from "@/lib/sessions";
import { secureAccountFromActivity } from "@/lib/sign-in";
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/users";
import { ACTIVITY_PAGE_SIZE, getActivityEntry, listActivity } from "./index";

const t = useTestDatabase();
const MADRID_IP = "81.45.3.1";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

async function customer() {
  const u = await t.db().user.create({ data: { email: `activity-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date(), passwordHash: "x" } });
  return { id: u.id, roles: [] as string[] };
}
const signedIn = (userId: string) => recordAudit({ actor: { type: "user", id: userId }, action: "login.succeeded", target: { type: "user", id: userId }, result: "success", context: { ip: MADRID_IP, userAgent: CHROME_MAC }, details: { method: "password" } });

describe("listActivity", () => {
  it("shows the person's own events in words with device and place, newest first, and nobody else's", async () => {
    const me = await customer();
    const other = await customer();
    const admin = { id: (await customer()).id, roles: [ADMIN_ROLE] };
    await recordAudit({ actor: { type: "anonymous" }, action: "login.failed", target: { type: "user", id: me.id }, result: "failure", context: { ip: MADRID_IP, userAgent: CHROME_MAC }, details: { reason: "wrong_password" } });
    await signedIn(me.id);
    await recordAudit({ actor: { type: "user", id: me.id }, action: "consent.granted", target: { type: "client", id: "no-such-client" }, result: "success", details: { scopes: ["openid"] } });
    await recordAudit({ actor: { type: "system" }, action: "risk.assessed", target: { type: "user", id: me.id }, result: "success", details: { action: "allow" } });
    await signedIn(other.id);
    // The administrator acted on someone else: that is in the other person's history, not the administrator's.
    await recordAudit({ actor: { type: "admin", id: admin.id }, action: "user.profile_updated", target: { type: "user", id: other.id }, result: "success" });

    const { entries, older } = await listActivity(me, me.id);
    expect(entries.map((e) => e.title)).toEqual(["Allowed a removed application", "Signed in", "Failed sign-in attempt"]);
    expect(entries[1]).toMatchObject({ device: "Chrome on macOS", place: expect.stringMatching(/ES$/), ip: MADRID_IP, signIn: true, tone: "routine" });
    expect(older).toBeNull();
    expect((await listActivity(other, other.id)).entries.map((e) => e.title)).toEqual(["Profile updated by an administrator", "Signed in"]);
    expect((await listActivity(admin, admin.id)).entries).toEqual([]);
  });

  it("pages by keyset: the cursor gives the older entries, none twice, none lost", async () => {
    const me = await customer();
    for (let i = 0; i < ACTIVITY_PAGE_SIZE + 3; i++) await signedIn(me.id);
    const first = await listActivity(me, me.id);
    expect(first.entries).toHaveLength(ACTIVITY_PAGE_SIZE);
    const second = await listActivity(me, me.id, { before: first.older! });
    expect(second.entries).toHaveLength(3);
    expect(second.older).toBeNull();
    const ids = [...first.entries, ...second.entries].map((e) => BigInt(e.id));
    expect(new Set(ids).size).toBe(ACTIVITY_PAGE_SIZE + 3);
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    // A malformed cursor reads as the start, never as an error.
    expect((await listActivity(me, me.id, { before: "1; DROP TABLE" })).entries).toHaveLength(ACTIVITY_PAGE_SIZE);
    expect((await listActivity(me, me.id, { before: "99999999999999999999999" })).entries).toHaveLength(ACTIVITY_PAGE_SIZE);
  });

  it("is the owner's to read, or an administrator's", async () => {
    const me = await customer();
    const other = await customer();
    await expect(listActivity(other, me.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(getActivityEntry(other, me.id, "1")).rejects.toBeInstanceOf(PermissionError);
    await signedIn(me.id);
    expect((await listActivity({ id: other.id, roles: [ADMIN_ROLE] }, me.id)).entries).toHaveLength(1);
  });
});

describe("secureAccountFromActivity", () => {
  it("locks the account, mails a reset link and ends every session, for an entry of one's own", async () => {
    const me = await customer();
    const here = await createSession(me.id, {});
    await signedIn(me.id);
    const [entry] = (await listActivity(me, me.id)).entries;
    await secureAccountFromActivity(me.id, entry!.id, { ip: "192.0.2.1" });
    expect(await validateSession(here.token)).toBeNull();
    const user = await t.db().user.findUniqueOrThrow({ where: { id: me.id } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 365 * 24 * 3600_000);
    expect(await t.db().mailMessage.count({ where: { to: user.email!, template: "reset-password" } })).toBe(1);
    const [report] = await listAuditEvents({ targetId: me.id, action: "user.reported_not_me" });
    expect(report!.details).toMatchObject({ via: "activity", eventId: entry!.id });
  });

  it("refuses an entry that is someone else's or not in the history, and changes nothing", async () => {
    const me = await customer();
    const other = await customer();
    const here = await createSession(me.id, {});
    await signedIn(other.id);
    const [theirs] = (await listActivity(other, other.id)).entries;
    await recordAudit({ actor: { type: "system" }, action: "keys.rotated", target: { type: "user", id: me.id }, result: "success" });
    const [hidden] = await listAuditEvents({ targetId: me.id, action: "keys.rotated" });
    for (const id of [theirs!.id, String(hidden!.id), "0", "abc"]) {
      await expect(secureAccountFromActivity(me.id, id, {})).rejects.toMatchObject({ code: "not_found" });
    }
    expect(await validateSession(here.token)).not.toBeNull();
    expect((await t.db().user.findUniqueOrThrow({ where: { id: me.id } })).lockedUntil).toBeNull();
  });
});
