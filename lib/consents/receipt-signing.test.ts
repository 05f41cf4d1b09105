// A receipt is signed with the key active when it is signed. Its iat is whole seconds; choosing the
// key by iat refused to sign in the second the first key was created (no key active yet at iat).
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createLocalJWKSet, jwtVerify } from "jose";
import { useTestDatabase } from "@/test/db";
import { ensureSigningKeys, publicJwks, receiptVerificationJwks, rotateKeys } from "@/lib/keys";
import { createPurpose, giveConsent, purposeConsentsForExport } from "./index";

const t = useTestDatabase();
const admin = { id: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };

describe("signing a receipt", () => {
  it("works in the very second the first signing key became active", async () => {
    // The first key activates at once, here at the end of a second just past.
    const created = new Date(Math.floor(Date.now() / 1000) * 1000 - 1);
    await ensureSigningKeys(created);
    await createPurpose(admin, { key: "news", name: "News", legalBasis: "consent", dataCategories: "email", retention: "Until withdrawn", text: "Send me news." });
    const user = await t.db().user.create({ data: { email: `first-key-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
    const { receipt } = await giveConsent(user.id, { purpose: "news" }, { method: "portal", now: created });
    const { payload } = await jwtVerify(receipt!.jws, createLocalJWKSet(await publicJwks()));
    expect(payload.consentReceiptID).toBe(receipt!.id);
  });
});

describe("verifying a receipt after its key is rotated out", () => {
  it("the receipt keys still hold the key that signed it once the JWK Set no longer does", async () => {
    await ensureSigningKeys();
    await createPurpose(admin, { key: "offers", name: "Offers", legalBasis: "consent", dataCategories: "email", retention: "Until withdrawn", text: "Send me offers." });
    const user = await t.db().user.create({ data: { email: `rotated-${crypto.randomBytes(4).toString("hex")}@example.com`, emailVerifiedAt: new Date() } });
    const { receipt } = await giveConsent(user.id, { purpose: "offers" }, { method: "portal" });
    const kid = JSON.parse(Buffer.from(receipt!.jws.split(".")[0]!, "base64url").toString("utf8")).kid as string;
    // Two rotations a year apart: the receipt's key is retired, then unpublished.
    const later = new Date(Date.now() + 365 * 86_400_000);
    await rotateKeys({ now: later });
    await rotateKeys({ now: new Date(later.getTime() + 365 * 86_400_000) });
    const muchLater = new Date(later.getTime() + 2 * 365 * 86_400_000);
    expect((await publicJwks(muchLater)).keys.map((k) => k.kid)).not.toContain(kid);
    const keys = await receiptVerificationJwks(muchLater);
    expect(keys.keys.map((k) => k.kid)).toContain(kid);
    expect(keys.keys.every((k) => !("d" in k))).toBe(true); // public members only
    const { payload } = await jwtVerify(receipt!.jws, createLocalJWKSet(keys), { typ: "consent-receipt+jwt" });
    expect(payload.consentReceiptID).toBe(receipt!.id);
  });
});

describe("the export's receipts", () => {
  it("holds every receipt of the person, past the page the portal shows", async () => {
    const user = await t.db().user.create({ data: { email: `many-${crypto.randomBytes(4).toString("hex")}@example.com` } });
    const rows = Array.from({ length: 201 }, (_, i) => ({ id: crypto.randomUUID(), userId: user.id, purposeKey: "news", purposeVersion: 1, action: i % 2 ? "withdrawn" : "given", collectionMethod: "portal", jws: `e30.${Buffer.from(JSON.stringify({ consentReceiptID: "r" })).toString("base64url")}.sig`, createdAt: new Date(Date.now() - i * 1000) }));
    await t.db().consentReceipt.createMany({ data: rows });
    expect((await purposeConsentsForExport(user.id)).receipts).toHaveLength(201);
  });
});
