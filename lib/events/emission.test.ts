// Every catalogue type (risk.alert aside: lib/risk's) is emitted where its change happens: each
// test drives the real domain function and checks the events it left (type, person, data), and
// every event read here is checked against its published JSON Schema (schemas.ts), as a
// subscriber would check it. No event carries a personal value.
import crypto from "node:crypto";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/sha";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { factorFixtures } from "@/test/factors";
import { validate } from "@/test/json-schema";
import {
  assignApplicationRole,
  createApplication,
  createApplicationRole,
  createInitialAccessToken,
  deleteApplicationRole,
  registerClient,
  rotateClientSecret,
  setApplicationDisabled,
  unassignApplicationRole,
  updateApplication,
  updateApplicationRole,
} from "@/lib/applications";
import { createCaptchaChallenge } from "@/lib/captcha";
import { hashPassword } from "@/lib/credentials";
import { withTransaction } from "@/lib/db";
import { regenerateRecoveryCodes, removeSecondFactor, resetSecondFactors } from "@/lib/factors";
import { addMember, createGroup, deleteGroup, removeMember } from "@/lib/groups";
import { resetFixedWindowLimitsForTests, resetLoginThrottleForTests } from "@/lib/ratelimit";
import { createGroup as scimCreateGroup, createUser as scimCreateUser, deleteGroup as scimDeleteGroup, patchGroup as scimPatchGroup, patchUser as scimPatchUser, replaceUser as scimReplaceUser } from "@/lib/scim";
import { createSession } from "@/lib/sessions";
import { changePassword, completeSecondStep, completeSignIn, continueAfterFirstFactor, signInWithPassword } from "@/lib/sign-in";
import { runDueUserJobs, startImport } from "@/lib/user-import";
import {
  acceptInvitation,
  changeEmail,
  confirmEmailChange,
  createFederatedAccount,
  createUserByAdmin,
  disableAccount,
  drainAccountJobs,
  enableAccount,
  lockAccount,
  lockAccountByAdmin,
  registerUser,
  requestPasswordReset,
  resetPassword,
  setEmailVerified,
  verifyEmail,
  type UserRecord,
} from "@/lib/users";
import { registrationSchema } from "@/lib/users/users.schema";
import { eventEnvelope, eventSchema, identityEventsOf, type IdentityEvent, type IdentityEventType } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.91", userAgent: "vitest" };
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const PASSWORD = "quiet-harbour-lantern-58-violets";
const f = factorFixtures(t);
const hex = () => crypto.randomBytes(4).toString("hex");

/** Every event checked in this file, validated against its schema at the end too. */
const seen: IdentityEvent[] = [];

function expectValid(event: IdentityEvent) {
  expect(validate(eventSchema(event.type), JSON.parse(JSON.stringify(eventEnvelope(event)))), `${event.type} against its schema`).toEqual([]);
}

/** The person's events (of `types`, when given), each valid against its schema. */
async function eventsOf(userId: string, types?: IdentityEventType[]): Promise<IdentityEvent[]> {
  const events = (await identityEventsOf(userId)).filter((e) => !types || types.includes(e.type));
  for (const e of events) expectValid(e);
  seen.push(...events);
  return events;
}
const brief = (events: IdentityEvent[]) => events.map((e) => ({ type: e.type, data: e.data }));

/** Events about no person (application.*) since `since`. */
async function applicationEvents(clientId: string): Promise<IdentityEvent[]> {
  const rows = await t.db().identityEvent.findMany({ where: { userId: null }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
  const events = rows
    .map((r) => ({ id: r.id, type: r.type as IdentityEventType, userId: r.userId, occurredAt: r.occurredAt, data: r.data as IdentityEvent["data"] }))
    .filter((e) => (e.data as { clientId?: string }).clientId === clientId);
  for (const e of events) expectValid(e);
  seen.push(...events);
  return events;
}

async function customer(opts: { password?: string; verified?: boolean } = {}): Promise<UserRecord> {
  const passwordHash = opts.password ? await hashPassword(opts.password) : null;
  return (await t.db().user.create({
    data: { email: `ev-${hex()}@example.com`, passwordHash, emailVerifiedAt: opts.verified === false ? null : new Date() },
    include: { roles: true },
  })) as unknown as UserRecord;
}

async function mailedToken(to: string, path: string): Promise<string> {
  const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to, text: { contains: path } }, orderBy: { createdAt: "desc" } });
  return new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text)![1]!;
}

beforeEach(() => {
  resetFixedWindowLimitsForTests();
  resetLoginThrottleForTests();
});

afterAll(() => {
  // Whatever a test above read was valid; and every type but risk.alert was seen at least once.
  const types = new Set(seen.map((e) => e.type));
  const missing = (
    ["user.created", "user.profile_updated", "user.disabled", "user.enabled", "user.email_verified", "user.password_changed", "user.factor_added", "user.factor_removed", "user.signed_in", "user.sign_in_failed", "user.locked", "group.membership_changed", "role.assigned", "role.unassigned", "application.created", "application.updated"] as const
  ).filter((type) => !types.has(type));
  expect(missing).toEqual([]);
});

describe("accounts come into being", () => {
  it("self-service registration, then the verification link", async () => {
    const challenge = await createCaptchaChallenge();
    const solution = await solveChallenge({ challenge, deriveKey });
    const captcha = Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
    const email = `reg-${hex()}@example.com`;
    await registerUser({ ...registrationSchema.parse({ email, password: PASSWORD, acceptTerms: "on" }), captcha }, ctx);
    await drainAccountJobs();
    const user = await t.db().user.findUniqueOrThrow({ where: { email } });
    await verifyEmail(await mailedToken(email, "/verify-email"), ctx);
    expect(brief(await eventsOf(user.id))).toEqual([
      { type: "user.created", data: { source: "registration" } },
      { type: "user.email_verified", data: {} },
    ]);
  });

  it("an administrator's account with a password, and an invitation accepted", async () => {
    const direct = await createUserByAdmin(admin, { email: `adm-${hex()}@example.com`, attributes: {}, method: "password", password: PASSWORD, emailVerified: true }, ctx);
    expect(brief(await eventsOf(direct.userId))).toEqual([{ type: "user.created", data: { source: "admin" } }]);

    const to = `inv-${hex()}@example.com`;
    const invited = await createUserByAdmin(admin, { email: to, attributes: {}, method: "invitation" }, ctx);
    await acceptInvitation(await mailedToken(to, "/accept-invitation"), PASSWORD, ctx);
    expect(brief(await eventsOf(invited.userId))).toEqual([
      { type: "user.created", data: { source: "invitation" } },
      { type: "user.password_changed", data: { method: "reset" } },
      { type: "user.email_verified", data: {} },
    ]);
  });

  it("federation's just-in-time account", async () => {
    const user = await withTransaction((tx) =>
      createFederatedAccount({ email: `fed-${hex()}@example.com`, emailVerified: true, connection: "github", acceptedDocuments: [], attributes: {} }, ctx, tx),
    );
    expect(brief(await eventsOf(user.id))).toEqual([{ type: "user.created", data: { source: "federation" } }]);
  });

  it("a bulk import: new accounts created, an existing one updated", async () => {
    // The import's batches act with the grants its starter holds in the database.
    const starter = await customer();
    await t.db().userRole.create({ data: { userId: starter.id, role: "admin" } });
    const importer = { id: starter.id, roles: ["admin"] };
    const existing = await customer({ verified: false });
    const email = `imp-${hex()}@example.com`;
    const file = `email,email_verified,given_name\n${email},true,Ada\n${existing.email},true,Grace\n`;
    await startImport(importer, { filename: "people.csv", bytes: new TextEncoder().encode(file), options: { format: "auto", onConflict: "update" } }, ctx);
    await runDueUserJobs();
    const created = await t.db().user.findUniqueOrThrow({ where: { email } });
    expect(brief(await eventsOf(created.id))).toEqual([{ type: "user.created", data: { source: "import" } }]);
    const updated = await eventsOf(existing.id);
    expect(brief(updated)).toEqual([
      { type: "user.profile_updated", data: { fields: ["givenName"] } },
      { type: "user.email_verified", data: {} },
    ]);
    expect(JSON.stringify(updated)).not.toContain("Grace");
  });
});

describe("the console acts on an account", () => {
  it("disables, enables, locks and verifies the address", async () => {
    const user = await customer({ verified: false });
    await disableAccount(admin, user.id, ctx);
    await enableAccount(admin, user.id, ctx);
    const { lockedUntil } = await lockAccountByAdmin(admin, user.id, 60, ctx);
    await setEmailVerified(admin, user.id, true, ctx);
    expect(brief(await eventsOf(user.id))).toEqual([
      { type: "user.disabled", data: { by: "admin" } },
      { type: "user.enabled", data: { by: "admin" } },
      { type: "user.locked", data: { reason: "admin", until: lockedUntil.toISOString() } },
      { type: "user.email_verified", data: {} },
    ]);
  });
});

describe("signing in", () => {
  it("a wrong password is a failure of the account; a completed sign-in one event, with its methods", async () => {
    const user = await customer({ password: PASSWORD });
    await expect(signInWithPassword({ email: user.email, password: "not-the-password-at-all", next: "/account" }, ctx, {})).rejects.toMatchObject({ code: "invalid_credentials" });
    await signInWithPassword({ email: user.email, password: PASSWORD, next: "/account" }, ctx, {});
    const events = await eventsOf(user.id);
    expect(brief(events)).toEqual([
      { type: "user.sign_in_failed", data: { reason: "wrong_password" } },
      { type: "user.signed_in", data: { amr: ["pwd"] } },
    ]);
    expect(JSON.stringify(events)).not.toContain("not-the-password");
  });

  it("an unknown address is nobody's event", async () => {
    const before = await t.db().identityEvent.count();
    await expect(signInWithPassword({ email: `nobody-${hex()}@example.com`, password: PASSWORD, next: "/account" }, ctx, {})).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(await t.db().identityEvent.count()).toBe(before);
  });

  it("a wrong second step fails; the right one completes the sign-in once", async () => {
    const { user, secret } = await f.enrolled();
    const record = (await t.db().user.findUniqueOrThrow({ where: { id: user.id }, include: { roles: true } })) as unknown as UserRecord;
    const first = await continueAfterFirstFactor({ user: record, method: "password", next: "/account" }, ctx, {});
    const token = first.cookies.pendingSignIn!.token;
    await expect(completeSecondStep(token, { method: "totp", code: "000000" }, ctx)).rejects.toMatchObject({ code: "invalid_code" });
    // The next time step: the enrolment spent the current one (no replay).
    const done = await completeSecondStep(token, { method: "totp", code: await f.codeAt(secret, new Date(Date.now() + 30_000)) }, ctx);
    // lib/http's sign-in flow then completes the sign-in (session-start.ts: the one place it completes).
    await completeSignIn(done.userId, done.amr, done.riskAssessmentId, done.next, ctx, {}, done.linkedIdentityId);
    const signIn = await eventsOf(user.id, ["user.sign_in_failed", "user.signed_in"]);
    expect(signIn.map((e) => e.type)).toEqual(["user.sign_in_failed", "user.signed_in"]);
    expect(signIn[0]!.data).toEqual({ reason: "second_factor_failed" });
    expect(signIn[1]!.data).toEqual({ amr: done.amr });
  });

  it("a lock after failures or by the risk engine", async () => {
    const user = await customer({ password: PASSWORD });
    await lockAccount(user, ctx, "risk");
    const [locked] = await eventsOf(user.id);
    expect(locked).toMatchObject({ type: "user.locked", data: { reason: "risk", until: expect.any(String) } });
  });
});

describe("passwords and the sign-in address", () => {
  it("a change by the owner, a reset by link", async () => {
    const user = await customer({ password: PASSWORD });
    const session = await createSession(user.id, ctx);
    await changePassword({ id: session.id, user: { id: user.id, roles: [] } }, { currentPassword: PASSWORD, newPassword: "another-river-crossing-71-kites" }, ctx);
    await requestPasswordReset(user.email, ctx);
    await drainAccountJobs();
    await resetPassword(await mailedToken(user.email, "/reset-password"), "third-mountain-hollow-62-finches", ctx);
    expect(brief(await eventsOf(user.id, ["user.password_changed"]))).toEqual([
      { type: "user.password_changed", data: { method: "change" } },
      { type: "user.password_changed", data: { method: "reset" } },
    ]);
  });

  it("an email change confirmed names the address, never its value", async () => {
    const user = await customer({ password: PASSWORD });
    const to = `moved-${hex()}@example.com`;
    await changeEmail(user.id, { newEmail: to, password: PASSWORD }, ctx);
    await drainAccountJobs();
    await confirmEmailChange(await mailedToken(to, "/confirm-email-change"), ctx);
    const events = await eventsOf(user.id);
    expect(brief(events)).toEqual([
      { type: "user.profile_updated", data: { fields: ["email"] } },
      { type: "user.email_verified", data: {} },
    ]);
    expect(JSON.stringify(events)).not.toContain(to);
  });
});

describe("sign-in factors", () => {
  it("the first factor brings recovery codes; new codes; removing the last factor takes them", async () => {
    const { user } = await f.enrolled();
    const factor = await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } });
    await regenerateRecoveryCodes(user, ctx);
    await removeSecondFactor(user, factor.id, ctx);
    expect(brief(await eventsOf(user.id))).toEqual([
      { type: "user.factor_added", data: { kind: "totp", factorId: factor.id } },
      { type: "user.factor_added", data: { kind: "recovery_codes" } },
      { type: "user.factor_added", data: { kind: "recovery_codes" } },
      { type: "user.factor_removed", data: { kind: "totp", factorId: factor.id } },
      { type: "user.factor_removed", data: { kind: "recovery_codes" } },
    ]);
  });

  it("an administrator's reset removes each factor", async () => {
    const { user } = await f.enrolled();
    const factor = await t.db().mfaFactor.findFirstOrThrow({ where: { userId: user.id } });
    await resetSecondFactors(user, { type: "user", id: admin.id }, ctx);
    expect(brief(await eventsOf(user.id, ["user.factor_removed"]))).toEqual([
      { type: "user.factor_removed", data: { kind: "totp", factorId: factor.id } },
      { type: "user.factor_removed", data: { kind: "recovery_codes" } },
    ]);
  });
});

describe("groups and application roles", () => {
  it("membership added and removed, and every member when the group goes", async () => {
    const [a, b] = [await customer(), await customer()];
    const group = await createGroup(admin, `Group ${hex()}`, ctx);
    await addMember(admin, group.id, a.email, ctx);
    await addMember(admin, group.id, b.email, ctx);
    await removeMember(admin, group.id, a.id, ctx);
    await deleteGroup(admin, group.id, ctx);
    expect(brief(await eventsOf(a.id))).toEqual([
      { type: "group.membership_changed", data: { groupId: group.id, change: "added" } },
      { type: "group.membership_changed", data: { groupId: group.id, change: "removed" } },
    ]);
    expect(brief(await eventsOf(b.id))).toEqual([
      { type: "group.membership_changed", data: { groupId: group.id, change: "added" } },
      { type: "group.membership_changed", data: { groupId: group.id, change: "removed" } },
    ]);
  });

  it("a role given to a person, and to a group's members (one event each, with the group); taken back; renamed; deleted", async () => {
    const { application } = await createApplication(admin, { name: `App ${hex()}`, type: "confidential", redirectUris: ["https://app.example.com/cb"], grantTypes: ["authorization_code"] }, ctx);
    const role = await createApplicationRole(admin, application.id, { name: "editor" }, ctx);
    const [direct, member] = [await customer(), await customer()];
    const group = await createGroup(admin, `Editors ${hex()}`, ctx);
    await addMember(admin, group.id, member.email, ctx);
    await assignApplicationRole(admin, application.id, role.id, { userId: direct.id }, ctx);
    await assignApplicationRole(admin, application.id, role.id, { groupId: group.id }, ctx);
    await unassignApplicationRole(admin, application.id, role.id, { userId: direct.id }, ctx);
    await assignApplicationRole(admin, application.id, role.id, { userId: direct.id }, ctx);
    await updateApplicationRole(admin, application.id, role.id, { name: "writer" }, ctx);
    await deleteApplicationRole(admin, application.id, role.id, ctx);
    const on = { clientId: application.clientId, role: "editor" };
    const renamed = { ...on, role: "writer" };
    expect(brief(await eventsOf(direct.id))).toEqual([
      { type: "role.assigned", data: on },
      { type: "role.unassigned", data: on },
      { type: "role.assigned", data: on },
      { type: "role.unassigned", data: on },
      { type: "role.assigned", data: renamed },
      { type: "role.unassigned", data: renamed },
    ]);
    expect(brief(await eventsOf(member.id, ["role.assigned", "role.unassigned"]))).toEqual([
      { type: "role.assigned", data: { ...on, groupId: group.id } },
      { type: "role.unassigned", data: { ...on, groupId: group.id } },
      { type: "role.assigned", data: { ...renamed, groupId: group.id } },
      { type: "role.unassigned", data: { ...renamed, groupId: group.id } },
    ]);
  });
});

describe("applications", () => {
  it("created and updated in the console, about no person, naming the settings", async () => {
    const { application } = await createApplication(admin, { name: `Shop ${hex()}`, type: "confidential", redirectUris: ["https://shop.example.com/cb"], grantTypes: ["authorization_code"] }, ctx);
    await updateApplication(admin, application.id, { name: `Shop renamed ${hex()}`, type: "confidential", redirectUris: ["https://shop.example.com/cb"], grantTypes: ["authorization_code"] }, ctx);
    await rotateClientSecret(admin, application.id, ctx);
    await setApplicationDisabled(admin, application.id, true, ctx);
    const events = await applicationEvents(application.clientId);
    expect(events.every((e) => e.userId === null)).toBe(true);
    expect(brief(events)).toEqual([
      { type: "application.created", data: { clientId: application.clientId } },
      { type: "application.updated", data: { clientId: application.clientId, fields: ["name"] } },
      { type: "application.updated", data: { clientId: application.clientId, fields: ["clientSecret"] } },
      { type: "application.updated", data: { clientId: application.clientId, fields: ["disabled"] } },
    ]);
  });

  it("registered dynamically (RFC 7591)", async () => {
    const { token } = await createInitialAccessToken(admin, "events test", 600, ctx);
    const registered = await registerClient(token, { client_name: "Dynamic", redirect_uris: ["https://dyn.example.com/cb"] }, ctx);
    expect(brief(await applicationEvents(registered.client_id))).toEqual([{ type: "application.created", data: { clientId: registered.client_id } }]);
  });
});

describe("SCIM (RFC 7644)", () => {
  const caller = { client: { tokenId: crypto.randomUUID(), name: "Directory", scopes: ["scim:read", "scim:write"], sendInvitations: false }, ctx, baseUrl: "http://localhost/scim/v2" };
  const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
  const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
  const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

  it("a user created, renamed, deactivated and reactivated, its password set", async () => {
    const userName = `scim-${hex()}`;
    const created = await scimCreateUser(caller, { schemas: [USER], userName, name: { givenName: "Ada" }, emails: [{ value: `${userName}@example.com`, primary: true }] });
    const id = created.id as string;
    await scimPatchUser(caller, id, { schemas: [PATCH], Operations: [{ op: "replace", path: "name.givenName", value: "Augusta" }] }, null);
    await scimPatchUser(caller, id, { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: false }] }, null);
    await scimReplaceUser(caller, id, { schemas: [USER], userName, name: { givenName: "Augusta" }, emails: [{ value: `${userName}@example.com`, primary: true }], active: true, password: "scim-set-password-49-otters" }, null);
    const events = await eventsOf(id);
    expect(brief(events)).toEqual([
      { type: "user.created", data: { source: "scim" } },
      { type: "user.profile_updated", data: { fields: ["givenName"] } },
      { type: "user.disabled", data: { by: "scim" } },
      { type: "user.enabled", data: { by: "scim" } },
      { type: "user.password_changed", data: { method: "scim" } },
    ]);
    expect(JSON.stringify(events)).not.toContain("Augusta");
  });

  it("group members added, removed, and removed with the group", async () => {
    const [a, b] = [await customer(), await customer()];
    const group = await scimCreateGroup(caller, { schemas: [GROUP], displayName: `SCIM ${hex()}`, members: [{ value: a.id }] });
    const groupId = group.id as string;
    await scimPatchGroup(caller, groupId, { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: b.id }] }] }, null);
    await scimPatchGroup(caller, groupId, { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${a.id}"]` }] }, null);
    await scimDeleteGroup(caller, groupId, null);
    expect(brief(await eventsOf(a.id))).toEqual([
      { type: "group.membership_changed", data: { groupId, change: "added" } },
      { type: "group.membership_changed", data: { groupId, change: "removed" } },
    ]);
    expect(brief(await eventsOf(b.id))).toEqual([
      { type: "group.membership_changed", data: { groupId, change: "added" } },
      { type: "group.membership_changed", data: { groupId, change: "removed" } },
    ]);
  });
});
