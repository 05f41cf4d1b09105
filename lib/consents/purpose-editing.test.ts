// Editing a purpose in the console: the permission, the audit of what changed (before and after),
// a text change published as a new version (the text consented to stays), and the legal basis
// that cannot leave consent while anyone's consent stands (GDPR art. 6(1), 7).
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase, usingPostgres } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { PermissionError } from "@/lib/errors";
import { ensureSigningKeys } from "@/lib/keys";
import { ConsentError, createPurpose, findPurpose, giveConsent, updatePurpose, withdrawConsent, type PurposeUpdateInput } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
const BASE = { name: "Marketing emails", legalBasis: "consent", dataCategories: "email, name", retention: "Until you withdraw", offerAtRegistration: false } as const;

async function customer() {
  const u = await t.db().user.create({ data: { email: `edit-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
  return u.id;
}

async function consentError(p: Promise<unknown>): Promise<ConsentError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ConsentError);
  return e as ConsentError;
}

async function purpose(key: string, extra: Partial<PurposeUpdateInput> = {}) {
  await createPurpose(admin, { ...BASE, key, text: "Send me offers by email.", ...extra });
}

beforeAll(async () => {
  await ensureSigningKeys();
});

describe(`editing a purpose on ${usingPostgres ? "PostgreSQL" : "PGlite"}`, () => {
  it("needs consents:write and refuses an unknown key, changing nothing", async () => {
    await purpose("guarded");
    await expect(updatePurpose({ id: admin.id, roles: [] }, "guarded", { ...BASE, name: "Renamed" })).rejects.toBeInstanceOf(PermissionError);
    expect((await consentError(updatePurpose(admin, "no-such", BASE))).code).toBe("unknown_purpose");
    expect((await consentError(updatePurpose(admin, "Not A Key", BASE))).code).toBe("unknown_purpose");
    expect((await findPurpose("guarded"))!.name).toBe("Marketing emails");
    expect(await listAuditEvents({ targetId: "guarded", action: "purpose.updated" })).toEqual([]);
  });

  it("saves the changed fields and audits them before and after; the same values again write nothing", async () => {
    await purpose("edited", { thirdParty: "Partner Ltd" });
    const saved = await updatePurpose(admin, "edited", { ...BASE, name: "Newsletter", dataCategories: "email", retention: "Two years", offerAtRegistration: true }, { ip: "192.0.2.4" });
    expect(saved).toMatchObject({ key: "edited", name: "Newsletter", dataCategories: ["email"], retention: "Two years", thirdParty: null, offerAtRegistration: true, current: { version: 1 } });
    const events = await listAuditEvents({ targetId: "edited", action: "purpose.updated" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      actorType: "admin",
      result: "success",
      ip: "192.0.2.4",
      details: {
        changed: ["name", "dataCategories", "retention", "thirdParty", "offerAtRegistration"],
        before: { name: "Marketing emails", dataCategories: ["email", "name"], retention: "Until you withdraw", thirdParty: "Partner Ltd", offerAtRegistration: false },
        after: { name: "Newsletter", dataCategories: ["email"], retention: "Two years", thirdParty: null, offerAtRegistration: true },
      },
    });
    expect(events[0]!.details).not.toHaveProperty("before.legalBasis");
    await updatePurpose(admin, "edited", { ...BASE, name: "Newsletter", dataCategories: "email", retention: "Two years", offerAtRegistration: true });
    expect(await listAuditEvents({ targetId: "edited", action: "purpose.updated" })).toHaveLength(1);
  });

  it("refuses invalid fields beside them, and offering at registration a purpose not based on consent", async () => {
    await purpose("checked");
    const bad = await consentError(updatePurpose(admin, "checked", { ...BASE, name: " ", dataCategories: " , " }));
    expect(bad.fieldErrors).toMatchObject({ name: expect.any(String), dataCategories: expect.any(String) });
    const offered = await consentError(updatePurpose(admin, "checked", { ...BASE, legalBasis: "legitimate_interests", offerAtRegistration: true }));
    expect(offered).toMatchObject({ code: "invalid_input", field: "offerAtRegistration" });
    expect(await findPurpose("checked")).toMatchObject({ legalBasis: "consent", offerAtRegistration: false });
  });

  it("lets the use only narrow while anyone's consent stands: no added data category, new third party or changed retention", async () => {
    await purpose("narrowing", { thirdParty: "Partner Ltd" });
    const user = await customer();
    await giveConsent(user, { purpose: "narrowing" }, { method: "portal" });
    const widenings: [Partial<PurposeUpdateInput>, string][] = [
      [{ dataCategories: "email, name, location" }, "dataCategories"],
      [{ thirdParty: "AdCo" }, "thirdParty"],
      [{ retention: "Ten years" }, "retention"],
    ];
    for (const [change, field] of widenings) {
      const refused = await consentError(updatePurpose(admin, "narrowing", { ...BASE, thirdParty: "Partner Ltd", ...change }));
      expect(refused).toMatchObject({ code: "consents_stand", field });
      expect(refused.message).toContain("can only narrow");
    }
    expect(await findPurpose("narrowing")).toMatchObject({ dataCategories: ["email", "name"], thirdParty: "Partner Ltd", retention: "Until you withdraw" });
    expect(await listAuditEvents({ targetId: "narrowing", action: "purpose.updated" })).toEqual([]);
    // Narrowing goes through: a category and the third party dropped.
    expect(await updatePurpose(admin, "narrowing", { ...BASE, dataCategories: "email" })).toMatchObject({ dataCategories: ["email"], thirdParty: null });
    // Once nobody's consent stands, it may widen again.
    await withdrawConsent(user, { purpose: "narrowing" }, { method: "portal" });
    expect(await updatePurpose(admin, "narrowing", { ...BASE, dataCategories: "email, location", thirdParty: "AdCo" })).toMatchObject({ dataCategories: ["email", "location"], thirdParty: "AdCo" });
  });

  it("keeps the legal basis at consent while anyone's consent stands; once withdrawn, it may change", async () => {
    await purpose("standing", { offerAtRegistration: true });
    const user = await customer();
    await giveConsent(user, { purpose: "standing" }, { method: "portal" });
    const refused = await consentError(updatePurpose(admin, "standing", { ...BASE, legalBasis: "legitimate_interests" }));
    expect(refused).toMatchObject({ code: "consents_stand", field: "legalBasis" });
    expect(refused.message).toContain("1 person has");
    expect((await findPurpose("standing"))!.legalBasis).toBe("consent");
    // Other fields still change while consents stand.
    expect((await updatePurpose(admin, "standing", { ...BASE, name: "Standing offers", offerAtRegistration: true })).name).toBe("Standing offers");
    await withdrawConsent(user, { purpose: "standing" }, { method: "portal" });
    const moved = await updatePurpose(admin, "standing", { ...BASE, legalBasis: "legitimate_interests" });
    expect(moved).toMatchObject({ legalBasis: "legitimate_interests", offerAtRegistration: false });
    // A purpose that left consent takes no new consent.
    expect((await consentError(giveConsent(user, { purpose: "standing" }, { method: "portal" }))).code).toBe("not_consent_based");
  });

  it("gives one of two creations of the same key racing the purpose, the other duplicate_key (not a 500)", async () => {
    const [a, b] = await Promise.allSettled([purpose("raced"), purpose("raced")]);
    const outcomes = [a.status, b.status].sort();
    expect(outcomes).toEqual(["fulfilled", "rejected"]);
    const refused = (a.status === "rejected" ? a.reason : (b as PromiseRejectedResult).reason) as unknown;
    expect(refused).toBeInstanceOf(ConsentError);
    expect(refused).toMatchObject({ code: "duplicate_key", field: "key" });
    expect(await t.db().purpose.count({ where: { key: "raced" } })).toBe(1);
  });

  it("never lets a consent and a change of legal basis both succeed when they race", async () => {
    for (let i = 0; i < 8; i++) {
      const key = `race-${i}`;
      await purpose(key);
      const user = await customer();
      const [given, moved] = await Promise.allSettled([
        giveConsent(user, { purpose: key }, { method: "portal" }),
        updatePurpose(admin, key, { ...BASE, legalBasis: "contract" }),
      ]);
      expect([given.status, moved.status]).not.toEqual(["fulfilled", "fulfilled"]);
      const standing = await t.db().purposeConsent.count({ where: { purpose: { key }, status: "given" } });
      expect(standing === 0 || (await findPurpose(key))!.legalBasis === "consent").toBe(true);
    }
  });
});
