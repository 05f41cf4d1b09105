// A customer's copy of their data: it holds the account's data and nobody else's, no secret
// reaches it, only the owner asks for it and downloads it, the link dies with its download
// window, and one copy is prepared at a time, a few a day.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents, recordAudit } from "@/lib/audit";
import { listActivity } from "@/lib/activity";
import { createApplication } from "@/lib/applications";
import { createPurpose, giveConsent } from "@/lib/consents";
import { createSession } from "@/lib/sessions";
import { createAttributeDefinition, updateProfile } from "@/lib/profile";
import { createTopic, updatePreferences } from "@/lib/preferences";
import { acceptDocuments, publishDocument } from "@/lib/legal";
import { sweepExpiredState } from "@/lib/startup/janitor";
import { downloadToken } from "./download-link";
import { DataExportError, EXPORT_FORMAT, EXPORTS_PER_DAY, latestDataExport, openDataExport, requestDataExport, runDueDataExports, type ExportDocument } from "./index";

const t = useTestDatabase();
const MADRID_IP = "81.45.3.1";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const hex = () => crypto.randomBytes(32).toString("hex");

async function customer(tag = "export") {
  const u = await t.db().user.create({ data: { email: `${tag}-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date(), displayName: "Ada Lovelace" } });
  return { id: u.id, email: u.email, roles: [] as string[] };
}

async function exportError(p: Promise<unknown>): Promise<DataExportError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(DataExportError);
  return e as DataExportError;
}

/** Asks for a copy, prepares it as the outbox would, and returns its link's parts and the archive. */
async function preparedExport(user: { id: string; roles: string[] }) {
  const queued = await requestDataExport(user, user.id, { ip: MADRID_IP });
  expect(queued.status).toBe("pending");
  await runDueDataExports();
  const ready = (await latestDataExport(user, user.id))!;
  expect(ready).toMatchObject({ id: queued.id, status: "ready" });
  const link = new URL(ready.downloadPath!, "http://portico.test");
  const exportId = link.searchParams.get("export")!;
  const token = link.searchParams.get("token")!;
  return { ready, exportId, token };
}

/** Every kind of secret the account could hold, with known values to look for in the archive. */
async function accountWithSecrets(user: { id: string }) {
  const secrets = {
    passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${hex()}`,
    totpSeed: `v1.${hex()}.sealed-seed`,
    passkeyCredentialId: `cred-${hex()}`,
    passkeyPublicKey: Buffer.from(hex(), "hex"),
    smsCodeHash: hex(),
    recoveryCodeHash: hex(),
    trustedDeviceHash: hex(),
    userTokenHash: hex(),
    refreshTokenHash: hex(),
    pendingSignInHash: hex(),
    ruleId: crypto.randomUUID(),
  };
  const db = t.db();
  await db.user.update({ where: { id: user.id }, data: { passwordHash: secrets.passwordHash, passwordChangedAt: new Date() } });
  await db.mfaFactor.create({ data: { userId: user.id, type: "totp", label: "Phone app", secretSealed: secrets.totpSeed, confirmedAt: new Date(), lastUsedStep: 123 } });
  await db.mfaFactor.create({
    data: { userId: user.id, type: "passkey", label: "Work laptop", credentialId: secrets.passkeyCredentialId, publicKey: secrets.passkeyPublicKey, signCount: 1n, confirmedAt: new Date(), aaguid: "00000000-0000-0000-0000-000000000000" },
  });
  await db.mfaFactor.create({ data: { userId: user.id, type: "sms", label: "+34 612 34 56 78", phone: "+34612345678", codeHash: secrets.smsCodeHash, codeExpiresAt: new Date(Date.now() + 600_000) } });
  await db.recoveryCode.createMany({ data: [{ userId: user.id, codeHash: secrets.recoveryCodeHash }, { userId: user.id, codeHash: hex(), usedAt: new Date() }] });
  await db.trustedDevice.create({ data: { userId: user.id, tokenHash: secrets.trustedDeviceHash, userAgent: CHROME_MAC, expiresAt: new Date(Date.now() + 30 * 86400_000) } });
  await db.userToken.create({ data: { userId: user.id, purpose: "reset_password", tokenHash: secrets.userTokenHash, expiresAt: new Date(Date.now() + 3600_000) } });
  await db.pendingSignIn.create({ data: { tokenHash: secrets.pendingSignInHash, userId: user.id, amr: ["pwd"], next: "/account", expiresAt: new Date(Date.now() + 600_000) } });
  const session = await createSession(user.id, { ip: MADRID_IP, userAgent: CHROME_MAC });
  const app = (await createApplication({ id: crypto.randomUUID(), roles: ["admin"] }, { name: "Shop", type: "confidential", redirectUris: ["https://shop.example.com/cb"] }, {})).application;
  await db.consent.create({ data: { userId: user.id, clientId: app.clientId, scopes: ["openid", "profile"] } });
  const grant = await db.oAuthGrant.create({ data: { clientId: app.clientId, userId: user.id, scope: "openid profile offline_access", authTime: new Date() } });
  await db.refreshToken.create({ data: { tokenHash: secrets.refreshTokenHash, grantId: grant.id, expiresAt: new Date(Date.now() + 86400_000) } });
  // A grant with nothing left to redeem is history, not access: it stays out of `grants`.
  await db.oAuthGrant.create({ data: { clientId: app.clientId, userId: user.id, scope: "openid" } });
  await db.riskAssessment.create({
    data: {
      userId: user.id, method: "password", ip: MADRID_IP, country: "ES", city: "Madrid", userAgentFamily: "Chrome on macOS", score: 85, band: "high", action: "strong_mfa",
      signals: [{ code: "new_device", points: 25 }], features: {}, matchedRules: [secrets.ruleId], explanation: "new device", outcome: "succeeded",
    },
  });
  await recordAudit({ actor: { type: "user", id: user.id }, action: "login.succeeded", target: { type: "user", id: user.id }, result: "success", context: { ip: MADRID_IP, userAgent: CHROME_MAC }, details: { method: "password" } });
  return { secrets, sessionToken: session.token, app };
}

describe("the archive", () => {
  it("holds the account's data, in the documented shape, and nothing of another account", async () => {
    const me = await customer("me");
    const other = await customer("other");
    await updateProfile(me, me.id, { givenName: "Ada", locality: "London", phoneNumber: "+442071234567" }, {});
    await updateProfile(other, other.id, { givenName: "Mallory" }, {});
    const tier = await createAttributeDefinition({ id: crypto.randomUUID(), roles: ["admin"] }, { name: `tier_${crypto.randomBytes(3).toString("hex")}`, label: "Loyalty tier", type: "enum", required: false, rules: { values: ["bronze", "gold"] }, customerAccess: "write", appReadScope: null }, {});
    await updateProfile(me, me.id, {}, {}, { values: { [tier.name]: "gold" }, source: "json", partial: true });
    await updateProfile(other, other.id, {}, {}, { values: { [tier.name]: "bronze" }, source: "json", partial: true });
    const { app } = await accountWithSecrets(me);
    const { app: otherApp } = await accountWithSecrets(other);
    // Progressive profiling's rows: sign-ins counted and questions skipped, per application.
    const lastSignIn = new Date("2026-12-01T10:00:00.000Z");
    const skippedAt = new Date("2026-12-02T11:00:00.000Z");
    await t.db().applicationSignIn.create({ data: { userId: me.id, clientId: app.clientId, count: 4, lastAt: lastSignIn } });
    await t.db().profilePromptSkip.createMany({ data: [{ userId: me.id, clientId: app.clientId, attribute: "shoe_size", skippedAt }, { userId: me.id, clientId: app.clientId, attribute: "purpose:export-news", skippedAt: new Date(skippedAt.getTime() - 60_000) }] });
    await t.db().applicationSignIn.create({ data: { userId: other.id, clientId: otherApp.clientId, count: 9 } });
    await t.db().profilePromptSkip.create({ data: { userId: other.id, clientId: app.clientId, attribute: "mallory_question" } });
    const topicKey = `newsletter-${crypto.randomBytes(3).toString("hex")}`;
    await createTopic({ id: crypto.randomUUID(), roles: ["admin"] }, { key: topicKey, label: "Newsletter", description: "", marketing: true, channels: ["email", "sms"], defaultOn: [] });
    await updatePreferences(me, me.id, [{ topic: topicKey, channel: "email", optedIn: true }]);
    const terms = await publishDocument({ id: crypto.randomUUID(), roles: ["admin"] }, { kind: "terms", title: "Terms", body: "Be nice.", effectiveAt: new Date(Date.now() - 60_000), requiresAcceptance: true });
    await acceptDocuments(me.id, [terms.id]);
    await recordAudit({ actor: { type: "user", id: other.id }, action: "login.failed", target: { type: "user", id: other.id }, result: "failure", context: { ip: "192.0.2.77" } });

    await createPurpose({ id: me.id, roles: ["admin"] }, { key: "export-news", name: "News", legalBasis: "consent", dataCategories: "email", retention: "Until withdrawn", text: "Send me news." });
    const { receipt } = await giveConsent(me.id, { purpose: "export-news" }, { method: "portal" });
    await giveConsent(other.id, { purpose: "export-news" }, { method: "portal" });

    const { exportId, token, ready } = await preparedExport(me);
    const { json, filename } = await openDataExport(me, exportId, token, { ip: MADRID_IP });
    expect(filename).toBe(`portico-export-${ready.readyAt!.toISOString().slice(0, 10)}.json`);
    expect(ready.sizeBytes).toBe(Buffer.byteLength(json));
    const doc = JSON.parse(json) as ExportDocument & Record<string, unknown>;

    expect(doc.format).toBe(EXPORT_FORMAT);
    expect(doc.account).toMatchObject({ id: me.id, email: me.email, displayName: "Ada Lovelace", status: "active" });
    expect(doc.profile).toMatchObject({ name: "Ada Lovelace", given_name: "Ada", family_name: null, phone_number: "+442071234567", phone_number_verified: false });
    expect(doc.profile!.address).toMatchObject({ locality: "London" });
    expect(doc.customAttributes).toEqual([{ name: tier.name, label: "Loyalty tier", value: "gold" }]);
    expect(doc.signInMethods.password).toMatchObject({ set: true, changedAt: expect.any(String) });
    expect(doc.signInMethods.factors.map((f) => [f.kind, f.label, Boolean(f.confirmedAt)])).toEqual([
      ["totp", "Phone app", true],
      ["passkey", "Work laptop", true],
      ["sms", "+34 612 34 56 78", false],
    ]);
    expect(doc.signInMethods.recoveryCodes).toEqual({ exist: true, remaining: 1 });
    expect(doc.sessions).toHaveLength(1);
    expect(doc.sessions[0]).toMatchObject({ ip: MADRID_IP, userAgent: CHROME_MAC, endedAt: null });
    expect(doc.trustedBrowsers).toEqual([expect.objectContaining({ userAgent: CHROME_MAC })]);
    expect(doc.applications.consents).toEqual([expect.objectContaining({ clientId: app.clientId, name: "Shop", scopes: ["openid", "profile"] })]);
    expect(doc.applications.grants).toEqual([expect.objectContaining({ clientId: app.clientId, name: "Shop", scopes: ["openid", "profile", "offline_access"], refreshTokenExpiresAt: expect.any(String) })]);
    expect(doc.applications.signIns).toEqual([{ clientId: app.clientId, name: "Shop", count: 4, lastAt: lastSignIn.toISOString() }]);
    expect(doc.applications.skippedQuestions).toEqual([
      { clientId: app.clientId, name: "Shop", question: "shoe_size", skippedAt: skippedAt.toISOString() },
      { clientId: app.clientId, name: "Shop", question: "purpose:export-news", skippedAt: new Date(skippedAt.getTime() - 60_000).toISOString() },
    ]);
    expect(Object.keys(doc.applications).sort()).toEqual(["consents", "grants", "signIns", "skippedQuestions"]);
    expect(json).not.toContain("mallory_question");
    expect(json).not.toContain(otherApp.clientId);
    const actions = doc.activity.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["login.succeeded", "user.profile_updated", "user.export_requested", "user.preferences_updated", "legal.accepted"]));
    expect(actions).not.toContain("login.failed");
    expect(doc.activity.find((a) => a.action === "login.succeeded")).toMatchObject({ title: "Signed in", ip: MADRID_IP, device: "Chrome on macOS", place: expect.stringMatching(/ES$/) });
    expect(doc.riskAssessments.entries).toEqual([{ at: expect.any(String), ip: MADRID_IP, place: "Madrid, ES", method: "password", action: "strong_mfa", outcome: "succeeded" }]);
    // No invented sections: what Portico does not hold yet is absent, and `format` says which version this is.
    expect(doc.purposeConsents.decisions).toEqual([expect.objectContaining({ purpose: "export-news", status: "given", version: 1, collectionMethod: "portal", receiptId: receipt!.id })]);
    expect(doc.purposeConsents.receipts).toEqual([{ id: receipt!.id, purpose: "export-news", version: 1, action: "given", at: expect.any(String), jws: receipt!.jws }]);
    expect(doc.communicationPreferences!.find((p) => p.topic === topicKey)).toEqual({
      topic: topicKey,
      label: "Newsletter",
      marketing: true,
      channels: [
        { channel: "email", optedIn: true, chosen: true, updatedAt: expect.any(String) },
        { channel: "sms", optedIn: false, chosen: false, updatedAt: null },
      ],
    });
    expect(doc.legalAcceptances).toEqual([{ document: "terms", version: terms.version, title: "Terms", acceptedAt: expect.any(String) }]);
    expect(Object.keys(doc).sort()).toEqual(["account", "activity", "applications", "communicationPreferences", "customAttributes", "directory", "format", "generatedAt", "legalAcceptances", "linkedAccounts", "profile", "purposeConsents", "riskAssessments", "sessions", "signInMethods", "trustedBrowsers"]);

    expect(json).not.toContain(other.email);
    expect(json).not.toContain(other.id);
    expect(json).not.toContain("Mallory");
    expect(json).not.toContain("192.0.2.77");
  });

  it("includes linked accounts (never their tokens) and what the directory holds: the SCIM record, groups and application roles (direct and through a group), and nobody else's", async () => {
    const me = await customer("directory");
    const other = await customer("directory-other");
    const db = t.db();
    await db.user.update({ where: { id: me.id }, data: { userName: "ada.l", externalId: "hr-4711", scimAttributes: { title: "Engineer", enterprise: { department: "Analytics" } } } });
    const app = (await createApplication({ id: crypto.randomUUID(), roles: ["admin"] }, { name: "Payroll", type: "confidential", redirectUris: ["https://payroll.example.com/cb"] }, {})).application;
    const editor = await db.applicationRole.create({ data: { applicationId: app.id, name: "editor" } });
    const viewer = await db.applicationRole.create({ data: { applicationId: app.id, name: "viewer" } });
    const auditor = await db.applicationRole.create({ data: { applicationId: app.id, name: "auditor" } });
    const team = await db.group.create({ data: { displayName: "Analytics team" } });
    const others = await db.group.create({ data: { displayName: "Not mine" } });
    await db.groupMember.createMany({ data: [{ groupId: team.id, userId: me.id }, { groupId: others.id, userId: other.id }] });
    await db.roleAssignment.createMany({ data: [{ roleId: editor.id, userId: me.id }, { roleId: viewer.id, groupId: team.id }, { roleId: auditor.id, groupId: others.id }, { roleId: auditor.id, userId: other.id }] });

    const slug = `google-${crypto.randomBytes(3).toString("hex")}`;
    const connection = await db.connection.create({ data: { slug, name: "Google", protocol: "oidc", settings: {} } });
    await db.linkedIdentity.create({ data: { userId: me.id, connectionId: connection.id, subject: "g-123", email: "ada@gmail.example", profile: { given_name: "Ada" }, accessTokenSealed: "sealed-access-token-value" } });
    await db.linkedIdentity.create({ data: { userId: other.id, connectionId: connection.id, subject: "g-mallory" } });

    const { exportId, token } = await preparedExport(me);
    const { json } = await openDataExport(me, exportId, token, {});
    const doc = JSON.parse(json) as ExportDocument;
    expect(doc.linkedAccounts).toEqual([{ provider: slug, providerName: "Google", subject: "g-123", email: "ada@gmail.example", claims: { given_name: "Ada" }, linkedAt: expect.any(String), lastUsedAt: null }]);
    expect(json).not.toContain("sealed-access-token-value");
    expect(json).not.toContain("g-mallory");
    expect(doc.directory).toMatchObject({ userName: "ada.l", externalId: "hr-4711", provisionedAttributes: { title: "Engineer", enterprise: { department: "Analytics" } } });
    expect(doc.directory.groups).toEqual([{ groupId: team.id, name: "Analytics team", joinedAt: expect.any(String) }]);
    expect(doc.directory.applicationRoles.map((r) => [r.clientId, r.application, r.role, r.throughGroupId]).sort()).toEqual([
      [app.clientId, "Payroll", "editor", null],
      [app.clientId, "Payroll", "viewer", team.id],
    ]);
  });

  it("holds no secret: no password hash, seed, key, credential id, code or token hash, no rule id or score", async () => {
    const me = await customer();
    const { secrets, sessionToken } = await accountWithSecrets(me);
    const { exportId, token } = await preparedExport(me);
    const { json } = await openDataExport(me, exportId, token, {});
    const sessionHash = crypto.createHash("sha256").update(sessionToken).digest("hex");
    const forbidden = [
      secrets.passwordHash,
      "$argon2id",
      secrets.totpSeed,
      secrets.passkeyCredentialId,
      secrets.passkeyPublicKey.toString("base64"),
      secrets.passkeyPublicKey.toString("base64url"),
      secrets.passkeyPublicKey.toString("hex"),
      secrets.smsCodeHash,
      secrets.recoveryCodeHash,
      secrets.trustedDeviceHash,
      secrets.userTokenHash,
      secrets.refreshTokenHash,
      secrets.pendingSignInHash,
      sessionToken,
      sessionHash,
      secrets.ruleId,
    ];
    for (const secret of forbidden) expect(json, secret).not.toContain(secret);
    for (const key of ["passwordHash", "secretSealed", "publicKey", "credentialId", "codeHash", "tokenHash", "score", "matchedRules", "signals", "lastUsedStep"]) {
      expect(json, key).not.toContain(`"${key}"`);
    }
  });

  it("is mailed to the owner with the same link the page shows", async () => {
    const me = await customer();
    const { ready } = await preparedExport(me);
    const mail = await t.db().mailMessage.findFirstOrThrow({ where: { to: me.email!, template: "data-export-ready" } });
    expect(mail.text).toContain(ready.downloadPath!);
  });
});

describe("who may ask and download", () => {
  it("only the owner asks for a copy, sees it and downloads it; a wrong or malformed token is an unknown link", async () => {
    const me = await customer();
    const other = await customer();
    expect((await exportError(requestDataExport(other, me.id, {}))).code).toBe("not_owner");
    expect((await exportError(latestDataExport(other, me.id))).code).toBe("not_owner");
    const { exportId, token } = await preparedExport(me);
    expect((await exportError(openDataExport(other, exportId, token, {}))).code).toBe("not_owner");
    const forged = crypto.randomBytes(32).toString("base64url");
    for (const [id, tok] of [[exportId, forged], [exportId, ""], [exportId, null], ["not-a-uuid", token], [crypto.randomUUID(), token], [exportId.toUpperCase(), token]] as const) {
      expect((await exportError(openDataExport(me, id, tok, {}))).code, `${id} ${tok}`).toBe("not_found");
    }
    // Nothing of that was a download: only the owner's own is audited.
    await openDataExport(me, exportId, token, { ip: MADRID_IP });
    const downloads = await listAuditEvents({ targetId: me.id, action: "user.export_downloaded" });
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({ actorId: me.id, ip: MADRID_IP });
    expect(JSON.stringify(downloads[0]!.details)).not.toContain(token);
  });

  it("a copy being prepared is not ready; the history says it was asked for and downloaded, in words", async () => {
    const me = await customer();
    const queued = await requestDataExport(me, me.id, {});
    expect(queued.downloadPath).toBeNull();
    expect((await exportError(openDataExport(me, queued.id, downloadToken(queued.id), {}))).code).toBe("not_ready");
    await runDueDataExports();
    await openDataExport(me, queued.id, downloadToken(queued.id), {});
    const titles = (await listActivity(me, me.id)).entries.map((e) => e.title);
    expect(titles).toEqual(["A copy of your data was downloaded", "A copy of your data was requested"]);
  });
});

describe("the download window", () => {
  it("an expired link is refused, and the janitor deletes the archive; the link then stays refused", async () => {
    const me = await customer();
    const { exportId, token } = await preparedExport(me);
    await t.db().dataExport.update({ where: { id: exportId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await exportError(openDataExport(me, exportId, token, {}))).code).toBe("expired");
    expect((await latestDataExport(me, me.id))!).toMatchObject({ status: "expired", downloadPath: null });
    const swept = await sweepExpiredState();
    expect(swept.dataExports).toBeGreaterThanOrEqual(1);
    expect(await t.db().dataExport.count({ where: { id: exportId } })).toBe(0);
    expect((await exportError(openDataExport(me, exportId, token, {}))).code).toBe("expired");
  });

  it("a new copy replaces the previous one: its link stops working", async () => {
    const me = await customer();
    const first = await preparedExport(me);
    const second = await preparedExport(me);
    expect(second.exportId).not.toBe(first.exportId);
    expect((await exportError(openDataExport(me, first.exportId, first.token, {}))).code).toBe("expired");
    await openDataExport(me, second.exportId, second.token, {});
  });
});

describe("limits", () => {
  it("one copy is prepared at a time, even for two clicks at once", async () => {
    const me = await customer();
    const both = await Promise.allSettled([requestDataExport(me, me.id, {}), requestDataExport(me, me.id, {})]);
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = both.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as DataExportError).code).toBe("export_pending");
    expect((await exportError(requestDataExport(me, me.id, {}))).code).toBe("export_pending");
    expect(await t.db().dataExport.count({ where: { userId: me.id } })).toBe(1);
    expect(await listAuditEvents({ targetId: me.id, action: "user.export_requested" })).toHaveLength(1);
  });

  it(`at most ${EXPORTS_PER_DAY.points} copies a day; a refused click does not count`, async () => {
    const me = await customer();
    for (let i = 0; i < EXPORTS_PER_DAY.points; i++) {
      await requestDataExport(me, me.id, {});
      await exportError(requestDataExport(me, me.id, {})); // pending: not counted
      await runDueDataExports();
    }
    const e = await exportError(requestDataExport(me, me.id, {}));
    expect(e.code).toBe("rate_limited");
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("a closed account cannot ask; one closed while its copy waits gets none (no archive, no mail)", async () => {
    const me = await customer();
    await requestDataExport(me, me.id, {});
    await t.db().user.update({ where: { id: me.id }, data: { disabledAt: new Date() } });
    await runDueDataExports();
    expect(await t.db().dataExport.findFirstOrThrow({ where: { userId: me.id } })).toMatchObject({ status: "failed", archive: null });
    expect(await t.db().mailMessage.count({ where: { to: me.email!, template: "data-export-ready" } })).toBe(0);
    expect((await exportError(requestDataExport(me, me.id, {}))).code).toBe("account_unavailable");
  });
});
