// A sign-in with a password known to attackers is refused and the owner is mailed a reset link,
// at most once per account in 15 minutes: repeating the sign-in neither floods the mailbox nor
// replaces the link already sent, and the answer is the same every time.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";

import { useTestDatabase } from "@/test/db";
import { hashPassword } from "@/lib/credentials";
import { listAuditEvents } from "@/lib/audit";
import { listOutbox } from "@/lib/mail";
import { importCompromisedPasswords, RiskError } from "@/lib/risk";
import { ADMIN_ROLE, authenticateWithPassword, previewRecovery } from "@/lib/users";
import { continueAfterFirstFactor } from "./index";

const t = useTestDatabase();
const admin = { id: crypto.randomUUID(), roles: [ADMIN_ROLE] };
const LEAKED = "summer garden gnome 2019 leak";
const ctx = { ip: "192.0.2.44", userAgent: "vitest" };

/** The whole password sign-in as the login action runs it; returns the refusal. */
async function signInWithLeakedPassword(email: string): Promise<RiskError> {
  const user = await authenticateWithPassword({ email, password: LEAKED }, ctx);
  const refused = await continueAfterFirstFactor({ user, method: "password", password: LEAKED, next: "/account" }, ctx, {}).then(
    () => new Error("the sign-in went through"),
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(RiskError);
  return refused as RiskError;
}

const resetMails = async (email: string) => (await listOutbox({ to: email })).filter((m) => m.template === "reset-password");
const linkToken = (text: string) => new URL(text.match(/https?:\/\/\S+\/reset-password\?token=\S+/)![0]).searchParams.get("token")!;

describe("the compromised-password branch of sign-in", () => {
  it("mails one reset link per account in 15 minutes, however often the sign-in is repeated", async () => {
    await importCompromisedPasswords(admin, LEAKED, "breach-test", {});
    const email = `leaked-${crypto.randomBytes(4).toString("hex")}@example.com`;
    const user = await t.db().user.create({ data: { email, passwordHash: await hashPassword(LEAKED), emailVerifiedAt: new Date() } });

    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push((await signInWithLeakedPassword(email)).message);
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/emailed you a link/);

    const mails = await resetMails(email);
    expect(mails).toHaveLength(1);
    // The refusals that sent nothing did not replace the link already in the mailbox.
    expect(await previewRecovery(linkToken(mails[0]!.text))).not.toBeNull();
    const audits = await listAuditEvents({ action: "password.reset_forced", targetId: user.id });
    expect(audits.map((a) => (a.details as { mailed: boolean }).mailed).sort()).toEqual([false, false, false, false, true]);

    // Once the window has passed, the next refusal mails a fresh link.
    await t.db().rateLimiterFlexible.updateMany({ where: { key: { contains: ":forced-reset:" } }, data: { expire: new Date(Date.now() - 1000) } });
    await signInWithLeakedPassword(email);
    expect(await resetMails(email)).toHaveLength(2);
  });

  it("counts the window per account: another account with the same password still gets its mail", async () => {
    const emails = [0, 1].map((i) => `leaked-${i}-${crypto.randomBytes(4).toString("hex")}@example.com`);
    for (const email of emails) await t.db().user.create({ data: { email, passwordHash: await hashPassword(LEAKED), emailVerifiedAt: new Date() } });
    for (const email of emails) await signInWithLeakedPassword(email);
    for (const email of emails) expect(await resetMails(email)).toHaveLength(1);
  });
});
