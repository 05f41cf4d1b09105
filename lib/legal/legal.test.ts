import { beforeEach, describe, expect, it } from "vitest";
import crypto from "node:crypto";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { PermissionError } from "@/lib/errors";
import { ADMIN_ROLE } from "@/lib/users";
import { acceptDocuments, acceptancesForExport, clearLegalCache, currentVersions, getDocument, listVersions, pendingAcceptances, publishDocument, type PublishInput } from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: [ADMIN_ROLE] };
const customer = async () => (await t.db().user.create({ data: { email: `legal-${crypto.randomBytes(4).toString("hex")}@example.com` } })).id;
const DAY = 86400_000;
const version = (over: Partial<PublishInput> = {}): PublishInput => ({ kind: "terms", title: "Terms", body: "# Terms\n\nBe nice.", effectiveAt: new Date(Date.now() - DAY), requiresAcceptance: true, ...over });

beforeEach(async () => {
  await t.db().legalAcceptance.deleteMany({});
  await t.db().legalDocument.deleteMany({});
  clearLegalCache();
});

describe("publishing", () => {
  it("numbers versions per document, keeps the earlier ones, audits; the current one is the newest effective", async () => {
    const v1 = await publishDocument(admin, version({ title: "Terms 1" }));
    const v2 = await publishDocument(admin, version({ title: "Terms 2" }));
    const future = await publishDocument(admin, version({ title: "Terms 3", effectiveAt: new Date(Date.now() + 10 * DAY) }));
    const privacy = await publishDocument(admin, version({ kind: "privacy", title: "Privacy 1", requiresAcceptance: false }));
    expect([v1.version, v2.version, future.version, privacy.version]).toEqual([1, 2, 3, 1]);
    expect((await currentVersions()).terms).toMatchObject({ id: v2.id, title: "Terms 2" });
    expect((await currentVersions(new Date(Date.now() + 11 * DAY))).terms).toMatchObject({ id: future.id });
    expect((await getDocument("terms"))!.title).toBe("Terms 2");
    expect((await getDocument("terms", 1))!.body).toBe("# Terms\n\nBe nice.");
    expect(await getDocument("terms", 9)).toBeNull();
    expect((await listVersions("terms")).map((v) => v.version)).toEqual([3, 2, 1]);
    const [event] = await listAuditEvents({ targetId: v1.id, action: "legal.document_published" });
    expect(event).toMatchObject({ actorType: "admin", actorId: admin.id, details: { kind: "terms", version: 1 } });
  });

  it("refuses a customer and bad input, publishing nothing", async () => {
    await expect(publishDocument({ id: crypto.randomUUID(), roles: [] }, version())).rejects.toBeInstanceOf(PermissionError);
    const err = await publishDocument(admin, version({ title: " ", effectiveAt: new Date("invalid") })).catch((e: { code: string; fieldErrors?: Record<string, string> }) => e);
    expect(err).toMatchObject({ code: "invalid_input", fieldErrors: { title: expect.any(String), effectiveAt: expect.any(String) } });
    expect(await t.db().legalDocument.count()).toBe(0);
  });
});

describe("acceptance", () => {
  it("a version requiring acceptance is pending until accepted; accepting is recorded, audited and exported", async () => {
    const me = await customer();
    expect(await pendingAcceptances(me)).toEqual([]);
    const terms = await publishDocument(admin, version());
    await publishDocument(admin, version({ kind: "privacy", requiresAcceptance: false }));
    expect((await pendingAcceptances(me)).map((v) => v.id)).toEqual([terms.id]);
    await acceptDocuments(me, [terms.id], { ip: "192.0.2.1" });
    expect(await pendingAcceptances(me)).toEqual([]);
    const [event] = await listAuditEvents({ targetId: me, action: "legal.accepted" });
    expect(event).toMatchObject({ actorType: "user", actorId: me, details: { documents: [{ kind: "terms", version: 1 }] } });
    expect(await acceptancesForExport(me)).toEqual([{ document: "terms", version: 1, title: "Terms", acceptedAt: expect.any(Date) }]);
    // A new version requiring acceptance asks again.
    const v2 = await publishDocument(admin, version({ title: "Terms 2" }));
    expect((await pendingAcceptances(me)).map((v) => v.id)).toEqual([v2.id]);
  });

  it("accepting a version that is not current is refused and records nothing", async () => {
    const me = await customer();
    const old = await publishDocument(admin, version());
    await publishDocument(admin, version({ title: "Terms 2" }));
    await expect(acceptDocuments(me, [old.id])).rejects.toMatchObject({ code: "not_current" });
    await expect(acceptDocuments(me, [crypto.randomUUID()])).rejects.toMatchObject({ code: "not_current" });
    expect(await t.db().legalAcceptance.count({ where: { userId: me } })).toBe(0);
  });
});
