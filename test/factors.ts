// Test fixtures for second factors: a verified account, a TOTP factor enrolled and confirmed, and
// the MfaError a refused call throws. Shared by lib/factors and lib/sign-in tests.
import { expect } from "vitest";
import type { Db } from "@/lib/db";
import { beginTotpEnrolment, confirmTotpEnrolment, currentTotp, MfaError, type MfaUser } from "@/lib/factors";

export function factorFixtures(t: { db: () => Db }) {
  let n = 0;

  async function newUser(): Promise<MfaUser> {
    const u = await t.db().user.create({ data: { email: `mfa-${++n}-${Date.now()}@example.com`, emailVerifiedAt: new Date() } });
    return { id: u.id, email: u.email! };
  }

  const codeAt = (secret: string, date: Date) => currentTotp(secret, Math.floor(date.getTime() / 1000));

  async function mfaError(p: Promise<unknown>): Promise<MfaError> {
    const e = await p.then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(MfaError);
    return e as MfaError;
  }

  async function enrolled(now = new Date()) {
    const user = await newUser();
    const enrolment = await beginTotpEnrolment(user);
    const { recoveryCodes } = await confirmTotpEnrolment(user, enrolment.factorId, await codeAt(enrolment.secret, now), {}, now);
    return { user, secret: enrolment.secret, recoveryCodes: recoveryCodes! };
  }

  return { newUser, codeAt, mfaError, enrolled };
}
