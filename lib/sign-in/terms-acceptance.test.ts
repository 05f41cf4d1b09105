// The terms interrupt at the end of a sign-in, against a real database and without a request.
import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { hashPassword } from "@/lib/credentials";
import { clearLegalCache, publishDocument } from "@/lib/legal";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { validateSession } from "@/lib/sessions";
import type { UserRecord } from "@/lib/users";
import { acceptAndSignIn, continueAfterFirstFactor, declineTerms, documentsToAccept, findPendingSecondStep, TERMS_PATH } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.62", userAgent: "vitest" };
const admin = { id: crypto.randomUUID(), roles: ["admin"] };

beforeEach(async () => {
  resetFixedWindowLimitsForTests();
  clearLegalCache();
});
afterEach(async () => {
  await t.db().legalDocument.deleteMany({});
  clearLegalCache();
});

async function newUser(): Promise<UserRecord> {
  const email = `terms-${crypto.randomBytes(4).toString("hex")}@example.com`;
  return (await t.db().user.create({ data: { email, passwordHash: await hashPassword("x".repeat(20)), emailVerifiedAt: new Date() }, include: { roles: true } })) as unknown as UserRecord;
}
const publishTerms = (requiresAcceptance = true) =>
  publishDocument(admin, { kind: "terms", title: "Terms", body: "Be nice.", effectiveAt: new Date(Date.now() - 60_000), requiresAcceptance });

describe("new terms at sign-in", () => {
  it("without a version requiring acceptance, the sign-in finishes as before", async () => {
    await publishTerms(false);
    const outcome = await continueAfterFirstFactor({ user: await newUser(), method: "password", next: "/account" }, ctx, {});
    expect(outcome.redirectTo).toBe("/account");
    expect(outcome.cookies.session).toBeDefined();
  });

  it("a version requiring acceptance parks the sign-in; accepting records it and starts the session where the customer was going", async () => {
    const terms = await publishTerms();
    const user = await newUser();
    const next = "/oauth2/authorize?interaction=abc";
    const parked = await continueAfterFirstFactor({ user, method: "password", next }, ctx, {});
    expect(parked.redirectTo).toBe(TERMS_PATH);
    expect(parked.cookies.session).toBeUndefined();
    const token = parked.cookies.pendingSignIn!.token;
    // Not a second step: the verify page cannot use it.
    expect(await findPendingSecondStep(token)).toBeNull();
    expect((await documentsToAccept(token))!.map((d) => d.id)).toEqual([terms.id]);
    // Accepting something else is refused and starts nothing.
    await expect(acceptAndSignIn(token, [], ctx, {})).rejects.toMatchObject({ code: "not_current" });

    const done = await acceptAndSignIn(token, [terms.id], ctx, {});
    expect(done.redirectTo).toBe(next);
    expect((await validateSession(done.cookies.session!.token))!.user.id).toBe(user.id);
    expect(await t.db().legalAcceptance.count({ where: { userId: user.id, documentId: terms.id } })).toBe(1);
    expect(await listAuditEvents({ targetId: user.id, action: "legal.accepted" })).toHaveLength(1);
    // The pending sign-in is spent, and the next sign-in is not asked again.
    await expect(acceptAndSignIn(token, [terms.id], ctx, {})).rejects.toMatchObject({ code: "not_found" });
    // (Whatever the risk engine then asks for, it is not the terms again.)
    expect((await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, { deviceId: done.cookies.deviceId })).redirectTo).not.toBe(TERMS_PATH);
  });

  it("declining ends the sign-in: no session, nothing accepted, audited", async () => {
    await publishTerms();
    const user = await newUser();
    const parked = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, {});
    const token = parked.cookies.pendingSignIn!.token;
    await declineTerms(token, ctx);
    expect(await documentsToAccept(token)).toBeNull();
    await expect(acceptAndSignIn(token, [], ctx, {})).rejects.toMatchObject({ code: "not_found" });
    expect(await t.db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await t.db().legalAcceptance.count({ where: { userId: user.id } })).toBe(0);
    expect(await listAuditEvents({ targetId: user.id, action: "legal.declined" })).toHaveLength(1);
  });
});
