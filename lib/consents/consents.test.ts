// Purposes with versioned texts, consent given and withdrawn with a signed receipt each (verifiable
// by anyone against the JWKS), and the ledger that nothing rewrites.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalJWKSet, jwtVerify } from "jose";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { PermissionError } from "@/lib/errors";
import { identityEventsOf } from "@/lib/events";
import { ensureSigningKeys, publicJwks } from "@/lib/keys";
import { ConsentError, consentDecisionsOf, createPurpose, giveConsent, listPurposes, listPurposesForAdmin, publishPurposeVersion, receiptOf, receiptsOf, withdrawConsent, RECEIPT_TYP } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const NEWSLETTER = { key: "newsletter", name: "Marketing emails", legalBasis: "consent", dataCategories: "email, name", retention: "Until you withdraw", text: "Send me offers by email." } as const;

async function customer() {
  const u = await t.db().user.create({ data: { email: `consent-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  return u.id;
}

async function consentError(p: Promise<unknown>): Promise<ConsentError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ConsentError);
  return e as ConsentError;
}

beforeAll(async () => {
  await ensureSigningKeys();
  await createPurpose(admin, NEWSLETTER, { ip: "192.0.2.1" });
  await createPurpose(admin, { key: "billing", name: "Billing", legalBasis: "contract", dataCategories: ["address"], retention: "10 years", text: "Invoices." });
});

describe("purposes", () => {
  it("are defined by administrators only, validated, with unique keys", async () => {
    await expect(createPurpose({ id: admin.id, roles: [] }, { ...NEWSLETTER, key: "other" })).rejects.toBeInstanceOf(PermissionError);
    await expect(listPurposesForAdmin({ id: admin.id, roles: [] })).rejects.toBeInstanceOf(PermissionError);
    expect((await consentError(createPurpose(admin, { ...NEWSLETTER, key: "Not A Key" }))).field).toBe("key");
    const bad = await consentError(createPurpose(admin, { ...NEWSLETTER, key: "x-other", legalBasis: "because" as "consent", dataCategories: " , " }));
    expect(bad.fieldErrors).toMatchObject({ legalBasis: expect.any(String), dataCategories: expect.any(String) });
    expect((await consentError(createPurpose(admin, NEWSLETTER))).code).toBe("duplicate_key");
    expect((await listPurposes()).map((p) => p.key)).toEqual(["newsletter", "billing"]);
    const [created] = await listAuditEvents({ targetId: "newsletter", action: "purpose.created" });
    expect(created).toMatchObject({ actorId: admin.id, result: "success" });
  });

  it("keep every published version; the newest is the current one", async () => {
    await createPurpose(admin, { ...NEWSLETTER, key: "partner-share", name: "Share with partner", thirdParty: "Partner Ltd", text: "v1 text" });
    await expect(publishPurposeVersion({ id: admin.id, roles: [] }, "partner-share", "v2 text")).rejects.toBeInstanceOf(PermissionError);
    expect((await consentError(publishPurposeVersion(admin, "partner-share", "  "))).field).toBe("text");
    expect((await consentError(publishPurposeVersion(admin, "no-such", "text"))).code).toBe("unknown_purpose");
    const p = await publishPurposeVersion(admin, "partner-share", "v2 text");
    expect(p.current).toMatchObject({ version: 2, text: "v2 text" });
    expect(p.versions.map((v) => [v.version, v.text])).toEqual([[2, "v2 text"], [1, "v1 text"]]);
    expect(p.thirdParty).toBe("Partner Ltd");
  });
});

describe("consent decisions", () => {
  it("give and withdraw, each with a receipt that verifies against the JWKS; a forged one does not", async () => {
    const userId = await customer();
    const given = await giveConsent(userId, { purpose: "newsletter" }, { method: "portal", context: { ip: "192.0.2.7" } });
    expect(given.decision).toMatchObject({ purpose: "newsletter", status: "given", version: 1, collectionMethod: "portal" });
    expect(given.receipt).not.toBeNull();
    // The same decision again signs nothing.
    expect((await giveConsent(userId, { purpose: "newsletter" }, { method: "portal" })).receipt).toBeNull();
    const withdrawn = await withdrawConsent(userId, { purpose: "newsletter" }, { method: "portal" });
    expect(withdrawn.decision.status).toBe("withdrawn");
    expect(await consentDecisionsOf(userId)).toEqual([expect.objectContaining({ purpose: "newsletter", status: "withdrawn", receiptId: withdrawn.receipt!.id })]);

    const receipts = await receiptsOf(userId);
    expect(receipts.map((r) => r.action)).toEqual(["withdrawn", "given"]);
    const jwks = createLocalJWKSet(await publicJwks());
    const { payload, protectedHeader } = await jwtVerify(given.receipt!.jws, jwks, { typ: RECEIPT_TYP });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      version: "KI-CR-v1.1.0",
      jurisdiction: "EU",
      consentReceiptID: given.receipt!.id,
      piiPrincipalId: userId,
      language: "en",
      policyUrl: expect.stringMatching(/\/privacy$/),
      sensitive: false,
      spiCat: [],
      services: [{ purposes: [{ purpose: "Send me offers by email.", purposeCategory: ["Marketing emails"], consentType: "EXPLICIT", piiCategory: ["email", "name"], termination: "Until you withdraw", thirdPartyDisclosure: false, primaryPurpose: false }] }],
      portico: { action: "given", purposeKey: "newsletter", purposeVersion: 1 },
    });
    expect(typeof payload.consentTimestamp).toBe("number");
    expect((await receiptOf(userId, given.receipt!.id)).receipt).toEqual(payload);

    // A changed payload under the same signature fails.
    const [h, , sig] = given.receipt!.jws.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, portico: { ...(payload.portico as object), action: "withdrawn" } })).toString("base64url")}.${sig}`;
    await expect(jwtVerify(forged, jwks)).rejects.toThrow(/signature/);

    const events = await listAuditEvents({ targetId: userId });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["purpose_consent.given", "purpose_consent.withdrawn"]));
    // One identity event per decision (none for the repeated one), naming the receipt.
    expect((await identityEventsOf(userId)).map((e) => [e.type, e.data])).toEqual([
      ["user.consent_given", { purpose: "newsletter", version: 1, receiptId: given.receipt!.id }],
      ["user.consent_withdrawn", { purpose: "newsletter", version: 1, receiptId: withdrawn.receipt!.id }],
    ]);
  });

  it("records the version it was given to, and a collecting application", async () => {
    const userId = await customer();
    await publishPurposeVersion(admin, "newsletter", "Send me offers and news by email.");
    const old = await giveConsent(userId, { purpose: "newsletter", version: 1 }, { method: "application", collector: { clientId: "shop-app", name: "Shop" } });
    expect(old.decision).toMatchObject({ version: 1, collectionMethod: "application", collectorClientId: "shop-app" });
    expect(old.receipt!.receipt.collectionMethod).toMatch(/Shop/);
    expect(old.receipt!.receipt.services[0]!.service).toBe("Shop");
    const current = await giveConsent(userId, { purpose: "newsletter" }, { method: "portal" });
    expect(current.decision.version).toBe(2);
    expect(current.receipt!.receipt.services[0]!.purposes[0]!.purpose).toBe("Send me offers and news by email.");
    const [event] = await listAuditEvents({ targetId: userId, action: "purpose_consent.given" });
    expect(event).toBeDefined();
  });

  it("a withdrawal names the version that was given, not a newer text", async () => {
    const userId = await customer();
    await giveConsent(userId, { purpose: "newsletter", version: 1 }, { method: "portal" });
    const withdrawn = await withdrawConsent(userId, { purpose: "newsletter" }, { method: "portal" });
    expect(withdrawn.decision).toMatchObject({ status: "withdrawn", version: 1 });
    expect(withdrawn.receipt!.receipt.portico).toMatchObject({ action: "withdrawn", purposeVersion: 1 });
  });

  it("refuses unknown purposes and versions, purposes not based on consent, and closed accounts, changing nothing", async () => {
    const userId = await customer();
    expect((await consentError(giveConsent(userId, { purpose: "no-such-purpose" }, { method: "portal" }))).code).toBe("unknown_purpose");
    expect((await consentError(giveConsent(userId, { purpose: "'; drop table" }, { method: "portal" }))).code).toBe("unknown_purpose");
    expect((await consentError(giveConsent(userId, { purpose: "newsletter", version: 99 }, { method: "portal" }))).code).toBe("unknown_version");
    expect((await consentError(giveConsent(userId, { purpose: "billing" }, { method: "portal" }))).code).toBe("not_consent_based");
    expect(await receiptsOf(userId)).toEqual([]);
    expect(await consentDecisionsOf(userId)).toEqual([]);
    await t.db().user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
    expect((await consentError(giveConsent(userId, { purpose: "newsletter" }, { method: "portal" }))).code).toBe("account_unavailable");
    // Withdrawing what was never given is no decision: no receipt.
    const other = await customer();
    expect((await withdrawConsent(other, { purpose: "newsletter" }, { method: "portal" })).receipt).toBeNull();
    expect(await receiptsOf(other)).toEqual([]);
  });

  it("keeps the ledger append-only: no update, no delete, and another person's receipt is not found", async () => {
    const userId = await customer();
    const { receipt } = await giveConsent(userId, { purpose: "newsletter" }, { method: "portal" });
    await expect(t.db().consentReceipt.update({ where: { id: receipt!.id }, data: { action: "withdrawn" } })).rejects.toThrow(/append-only/);
    await expect(t.db().consentReceipt.delete({ where: { id: receipt!.id } })).rejects.toThrow(/append-only/);
    // Even under the erasure flag, a receipt can be removed but never rewritten.
    await expect(
      t.db().$transaction(async (tx) => {
        await tx.$queryRaw`SELECT set_config('portico.consent_erasure', 'on', true)`;
        await tx.consentReceipt.update({ where: { id: receipt!.id }, data: { action: "withdrawn" } });
      }),
    ).rejects.toThrow(/append-only/);
    expect((await consentError(receiptOf(await customer(), receipt!.id))).code).toBe("receipt_not_found");
    expect((await consentError(receiptOf(userId, "not-a-uuid"))).code).toBe("receipt_not_found");
  });
});
