// The portal's session list: each live session with device and place, the current one marked;
// signing out one of one's own sessions (its grants revoked, its applications told), never someone
// else's; and signing out every other session.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { signedInAccountFixtures } from "@/test/signed-in-account";
import { listAuditEvents } from "@/lib/audit";
import { SessionError, validateSession } from "@/lib/sessions";
import { listAccountSessions, signOutOtherSessions, signOutSession } from "./index";

const t = useTestDatabase();
const f = signedInAccountFixtures(t);
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const MADRID_IP = "81.45.3.1";
const sessionIdOf = async (token: string) => (await validateSession(token))!.id;

describe("the customer's sessions", () => {
  it("lists every live session with browser, system, place and address, the current one first and marked", async () => {
    const a = await f.account({ sessions: 3, ctx: [{ ip: "192.0.2.1", userAgent: SAFARI_IPHONE }, { ip: MADRID_IP, userAgent: FIREFOX_LINUX }, {}] });
    const current = await sessionIdOf(a.sessions[2]!.token);
    await signOutSession(a.user.id, await sessionIdOf(a.sessions[0]!.token), {}); // an ended one is not listed

    const list = await listAccountSessions(a.user.id, current);
    expect(list.map((s) => ({ id: s.id, current: s.current }))).toEqual([
      { id: current, current: true },
      { id: await sessionIdOf(a.sessions[1]!.token), current: false },
    ]);
    expect(list[1]).toMatchObject({ browser: "Firefox", system: "Linux", ip: MADRID_IP, place: expect.stringMatching(/ES$/) });
    expect(list[0]).toMatchObject({ browser: null, system: null, ip: null, place: null });
    expect(list[1]!.startedAt).toBeInstanceOf(Date);
    expect(list[1]!.lastActiveAt).toBeInstanceOf(Date);
  });

  it("signs out one of the owner's sessions: it ends, its grants are revoked and its applications told; audited", async () => {
    const a = await f.account({ sessions: 2 });
    const target = await sessionIdOf(a.sessions[1]!.token);
    const grant = await f.grantIn(a.sessions[1]!.token);
    const keptGrant = await f.grantIn(a.sessions[0]!.token);
    const deliveries = await f.backchannelDeliveries();

    expect(await signOutSession(a.user.id, target, { ip: "192.0.2.9" })).toEqual({ applicationsNotified: 1, grantsRevoked: 1 });
    expect(await validateSession(a.sessions[1]!.token)).toBeNull();
    expect(await validateSession(a.sessions[0]!.token)).not.toBeNull();
    expect((await f.liveGrants(a.user.id)).map((g) => g.id)).toEqual([keptGrant.id]);
    expect(await t.db().oAuthGrant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({ revokedReason: "logout" });
    expect(await f.backchannelDeliveries()).toBe(deliveries + 1);
    const [ended] = await listAuditEvents({ action: "session.ended", targetId: target });
    expect(ended).toMatchObject({ actorType: "user", actorId: a.user.id, result: "success", details: { reason: "signed_out_from_portal" } });
    // Twice: it has already ended.
    await expect(signOutSession(a.user.id, target, {})).rejects.toMatchObject({ code: "session_not_found" });
  });

  it("refuses someone else's session, an unknown id and a malformed one alike, and changes nothing", async () => {
    const victim = await f.account({ sessions: 1 });
    const attacker = await f.account({ sessions: 1 });
    const victimSession = await sessionIdOf(victim.sessions[0]!.token);
    const victimGrant = await f.grantIn(victim.sessions[0]!.token);
    const deliveries = await f.backchannelDeliveries();

    for (const id of [victimSession, "00000000-0000-4000-8000-00000000dead", "not-a-uuid", "' OR 1=1 --", ""]) {
      const e = await signOutSession(attacker.user.id, id, {}).catch((x: unknown) => x);
      expect(e, id).toBeInstanceOf(SessionError);
      expect(e).toMatchObject({ code: "session_not_found", shownToUser: true });
    }
    expect(await validateSession(victim.sessions[0]!.token)).not.toBeNull();
    expect((await f.liveGrants(victim.user.id)).map((g) => g.id)).toEqual([victimGrant.id]);
    expect(await f.backchannelDeliveries()).toBe(deliveries);
    expect(await listAuditEvents({ action: "session.ended", targetId: victimSession })).toHaveLength(0);
  });

  it("signs out every other session, keeping this one and the grants made in it; audited", async () => {
    const a = await f.account({ sessions: 3 });
    const here = await sessionIdOf(a.sessions[0]!.token);
    const kept = await f.grantIn(a.sessions[0]!.token);
    await f.grantIn(a.sessions[2]!.token, "openid offline_access");

    const done = await signOutOtherSessions(a.user.id, here, {});
    expect(done).toMatchObject({ sessionsRevoked: 2, applicationsNotified: 1, grantsRevoked: 1 });
    expect(await validateSession(a.sessions[0]!.token)).not.toBeNull();
    expect(await validateSession(a.sessions[1]!.token)).toBeNull();
    expect(await validateSession(a.sessions[2]!.token)).toBeNull();
    expect((await f.liveGrants(a.user.id)).map((g) => g.id)).toEqual([kept.id]);
    const [audit] = await listAuditEvents({ action: "user.signed_out_other_sessions", targetId: a.user.id });
    expect(audit).toMatchObject({ actorType: "user", actorId: a.user.id, details: { reason: "user_request", keptSession: here, ...done } });
  });
});
