// The console's actions that end sessions or the account: disable (and sign out), sign out
// everywhere, remove one application's access, delete at once or with the grace period; and the
// sign-in refused while an administrator requires a new password.
import crypto from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { createApplication, type ApplicationDto } from "@/lib/applications";
import { hashPassword } from "@/lib/credentials";
import { ensureSigningKeys } from "@/lib/keys";
import { authorize, handleTokenRequest, revokeApplicationAccessByAdmin } from "@/lib/oidc";
import { s256 } from "@/lib/oidc/pkce";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { createSession, validateSession } from "@/lib/sessions";
import { authenticateWithPassword, requirePasswordReset, type Actor } from "@/lib/users";
import { continueAfterFirstFactor, deleteAccountNow, disableAndSignOut, scheduleDeletionByAdmin, signOutEverywhereByAdmin } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.46", userAgent: "vitest" };
const PASSWORD = "amber-meadow-tractor-31-clouds";
const as = (...roles: string[]): Actor => ({ id: crypto.randomUUID(), roles });
const superAdmin = as("admin");
const userAdmin = as("user_admin");
const helpDesk = as("help_desk");
const auditor = as("auditor");
const analyst = as("security_analyst");
const REDIRECT = "https://shop.example.com/callback";
const VERIFIER = "w".repeat(43);
let client: ApplicationDto;

beforeAll(async () => {
  await ensureSigningKeys();
  client = (await createApplication(superAdmin, { name: "Shop", type: "confidential", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], firstParty: true }, {})).application;
});

beforeEach(() => {
  resetFixedWindowLimitsForTests();
  resetLoginThrottleForTests();
});

/** A customer signed in, with an offline grant to Shop made in the session. */
async function signedInCustomer(attributes: Record<string, string> = {}) {
  const user = await t.db().user.create({ data: { email: `adm-${crypto.randomBytes(4).toString("hex")}@example.com`, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date(), attributes } });
  const session = await createSession(user.id, {});
  const s = (await validateSession(session.token))!;
  const outcome = await authorize(
    { params: { client_id: client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid offline_access", state: "s", nonce: "n", code_challenge: s256(VERIFIER), code_challenge_method: "S256" } },
    { id: s.id, userId: user.id, authTime: s.authTime, amr: s.amr },
    {},
  );
  if (outcome.kind !== "respond" || !outcome.response.params.code) throw new Error(`expected a code, got ${JSON.stringify(outcome)}`);
  await handleTokenRequest(client, { grant_type: "authorization_code", code: outcome.response.params.code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, {});
  return { user, session };
}

const liveGrants = (userId: string) => t.db().oAuthGrant.count({ where: { userId, revokedAt: null } });
const mailTo = (to: string, template: string) => t.db().mailMessage.findFirst({ where: { to, template }, orderBy: { createdAt: "desc" } });
const audit = (userId: string, action: string) => t.db().auditEvent.findFirst({ where: { targetId: userId, action }, orderBy: { id: "desc" } });
const forbidden = { name: "PermissionError", code: "forbidden" };

describe("disable", () => {
  it("ends every session and grant", async () => {
    const { user, session } = await signedInCustomer();
    expect(await liveGrants(user.id)).toBe(1);
    const done = await disableAndSignOut(userAdmin, user.id, ctx);
    expect(done).toMatchObject({ sessionsRevoked: 1, grantsRevoked: 1 });
    expect(await validateSession(session.token)).toBeNull();
    expect(await liveGrants(user.id)).toBe(0);
    expect(await audit(user.id, "user.disabled")).toMatchObject({ actorType: "admin", actorId: userAdmin.id });
  });

  it("is refused to help desk and changes nothing", async () => {
    const { user, session } = await signedInCustomer();
    await expect(disableAndSignOut(helpDesk, user.id, ctx)).rejects.toMatchObject(forbidden);
    expect(await validateSession(session.token)).not.toBeNull();
  });
});

describe("sign out everywhere", () => {
  it("ends sessions and grants, audited as the administrator's, the owner mailed", async () => {
    const { user, session } = await signedInCustomer();
    await signOutEverywhereByAdmin(userAdmin, user.id, ctx);
    expect(await validateSession(session.token)).toBeNull();
    expect(await liveGrants(user.id)).toBe(0);
    expect(await audit(user.id, "user.signed_out_everywhere")).toMatchObject({ actorType: "admin", actorId: userAdmin.id, details: { reason: "administrator" } });
    expect((await mailTo(user.email!, "account-changed-by-admin"))?.text).toMatch(/signed your account out/);
  });

  it("is refused to help desk, the auditor and the analyst, and for one's own account", async () => {
    const { user, session } = await signedInCustomer();
    for (const actor of [helpDesk, auditor, analyst]) await expect(signOutEverywhereByAdmin(actor, user.id, ctx)).rejects.toMatchObject(forbidden);
    await expect(signOutEverywhereByAdmin({ id: user.id, roles: ["admin"] }, user.id, ctx)).rejects.toMatchObject({ code: "own_account" });
    expect(await validateSession(session.token)).not.toBeNull();
  });
});

describe("remove one application's access", () => {
  it("revokes the consent and the grants; audited on the customer; mailed", async () => {
    const { user } = await signedInCustomer();
    await expect(revokeApplicationAccessByAdmin(auditor, user.id, client.clientId, ctx)).rejects.toMatchObject(forbidden);
    await expect(revokeApplicationAccessByAdmin(helpDesk, user.id, client.clientId, ctx)).rejects.toMatchObject(forbidden);
    expect(await revokeApplicationAccessByAdmin(userAdmin, user.id, client.clientId, ctx)).toEqual({ grantsRevoked: 1 });
    expect(await liveGrants(user.id)).toBe(0);
    expect(await audit(user.id, "consent.withdrawn_by_admin")).toMatchObject({ actorType: "admin", actorId: userAdmin.id, details: { clientId: client.clientId } });
    expect((await mailTo(user.email!, "account-changed-by-admin"))?.text).toMatch(/Application: Shop/);
    await expect(revokeApplicationAccessByAdmin(userAdmin, user.id, client.clientId, ctx)).rejects.toMatchObject({ code: "no_change" });
  });
});

describe("delete", () => {
  it("at once: needs the typed address; erases the account; audited as the administrator's", async () => {
    const { user, session } = await signedInCustomer();
    await expect(deleteAccountNow(userAdmin, user.id, "someone@else.example", ctx)).rejects.toMatchObject({ code: "confirmation_mismatch", details: { field: "confirmation" } });
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(1);
    await deleteAccountNow(userAdmin, user.id, user.email!.toUpperCase(), ctx);
    expect(await t.db().user.count({ where: { id: user.id } })).toBe(0);
    expect(await validateSession(session.token)).toBeNull();
    expect(await t.db().auditEvent.findFirst({ where: { action: "user.deleted_by_admin", actorId: userAdmin.id } })).not.toBeNull();
    expect((await mailTo(user.email!, "account-erased"))?.text).toMatch(/An administrator deleted your account/);
  });

  it("help desk, the auditor and the analyst may not delete, at once or later; nor anyone their own account", async () => {
    const { user } = await signedInCustomer();
    for (const actor of [helpDesk, auditor, analyst]) {
      await expect(deleteAccountNow(actor, user.id, user.email!, ctx)).rejects.toMatchObject(forbidden);
      await expect(scheduleDeletionByAdmin(actor, user.id, ctx)).rejects.toMatchObject(forbidden);
    }
    const me = { id: user.id, roles: ["admin"] };
    await expect(deleteAccountNow(me, user.id, user.email!, ctx)).rejects.toMatchObject({ code: "own_account" });
    await expect(scheduleDeletionByAdmin(me, user.id, ctx)).rejects.toMatchObject({ code: "own_account" });
    expect(await t.db().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ disabledAt: null, deletionDueAt: null });
  });

  it("with the grace period: disabled, signed out, erasure scheduled", async () => {
    const { user, session } = await signedInCustomer();
    const { erasureDueAt } = await scheduleDeletionByAdmin(userAdmin, user.id, ctx);
    expect(erasureDueAt.getTime()).toBeGreaterThan(Date.now());
    expect(await validateSession(session.token)).toBeNull();
  });
});

describe("a new password required by an administrator", () => {
  it("refuses the sign-in after the right password and mails a reset link", async () => {
    const { user } = await signedInCustomer();
    await requirePasswordReset(userAdmin, user.id, ctx);
    const before = await t.db().mailMessage.count({ where: { to: user.email!, template: "reset-password" } });
    const first = await authenticateWithPassword({ email: user.email!, password: PASSWORD }, ctx);
    await expect(continueAfterFirstFactor({ user: first, method: "password", password: PASSWORD, next: "/account" }, ctx, {})).rejects.toMatchObject({ code: "password_reset_required" });
    expect(await t.db().mailMessage.count({ where: { to: user.email!, template: "reset-password" } })).toBe(before + 1);
  });
});
