// After the first factor, against a real database and without a request: the browser's cookies go
// in as values, and the cookies to set come back as data (nothing reads or writes next/headers).
import crypto from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/db";
import { listAuditEvents } from "@/lib/audit";
import { hashPassword } from "@/lib/credentials";
import { beginTotpEnrolment, confirmTotpEnrolment, currentTotp, passkeyAuthenticationOptions, passkeyRegistrationOptions, registerPasskey, relyingParty, trustDevice } from "@/lib/factors";
import { resetFixedWindowLimitsForTests } from "@/lib/ratelimit";
import { createSession, validateSession } from "@/lib/sessions";
import { UserError, type UserRecord } from "@/lib/users";
import { SoftAuthenticator } from "@/test/soft-authenticator";
import { continueAfterFirstFactor, findPendingSecondStep, PENDING_LIFETIME_MINUTES, SECOND_STEP_PATH, signInWithPasskey, signInWithPassword } from "./index";

const t = useTestDatabase();
const ctx = { ip: "192.0.2.61", userAgent: "vitest" };

beforeEach(() => resetFixedWindowLimitsForTests());

async function newUser(): Promise<UserRecord> {
  const email = `first-${crypto.randomBytes(4).toString("hex")}@example.com`;
  return (await t.db().user.create({ data: { email, passwordHash: await hashPassword("x".repeat(20)), emailVerifiedAt: new Date() }, include: { roles: true } })) as unknown as UserRecord;
}

async function withTotp(user: UserRecord) {
  const e = await beginTotpEnrolment(user);
  await confirmTotpEnrolment(user, e.factorId, await currentTotp(e.secret, Math.floor(Date.now() / 1000)), {});
}

describe("continueAfterFirstFactor", () => {
  it("signs an account without a second factor in: the session and a new device id come back as cookie values", async () => {
    const user = await newUser();
    const outcome = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, {});
    expect(outcome.redirectTo).toBe("/account");
    expect(outcome.cookies.pendingSignIn).toBeUndefined();
    expect(outcome.cookies.session).toMatchObject({ userId: user.id });
    expect((await validateSession(outcome.cookies.session!.token))!.amr).toEqual(["pwd"]);
    expect(outcome.cookies.deviceId).toEqual(expect.any(String));
    // The browser keeps its device id next time: no new one.
    const again = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, { deviceId: outcome.cookies.deviceId });
    expect(again.cookies.deviceId).toBeUndefined();
  });

  it("ends the browser's previous session: a new session id every sign-in", async () => {
    const user = await newUser();
    const previous = await createSession(user.id, ctx);
    const outcome = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, { sessionToken: previous.token });
    expect(await validateSession(previous.token)).toBeNull();
    expect(outcome.cookies.session!.token).not.toBe(previous.token);
  });

  it("asks an account with a second factor for it: a pending sign-in cookie, no session", async () => {
    const user = await newUser();
    await withTotp(user);
    const outcome = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, {});
    expect(outcome.redirectTo).toBe(SECOND_STEP_PATH);
    expect(outcome.cookies.session).toBeUndefined();
    expect(outcome.cookies.pendingSignIn!.maxAgeSeconds).toBe(PENDING_LIFETIME_MINUTES * 60);
    expect(await findPendingSecondStep(outcome.cookies.pendingSignIn!.token)).toMatchObject({ userId: user.id, next: "/account", amr: ["pwd"] });
  });

  it("lets a trusted browser stand in for the second step, audited", async () => {
    const user = await newUser();
    await withTotp(user);
    const { token } = await trustDevice(user.id, ctx);
    const outcome = await continueAfterFirstFactor({ user, method: "password", next: "/account" }, ctx, { trustedDevice: token });
    expect(outcome.redirectTo).toBe("/account");
    expect((await validateSession(outcome.cookies.session!.token))!.amr).toEqual(["pwd", "mfa"]);
    expect(await listAuditEvents({ action: "login.trusted_device", targetId: user.id })).toHaveLength(1);
  });

  it("counts a user-verified passkey as two factors", async () => {
    const user = await newUser();
    await withTotp(user);
    const outcome = await continueAfterFirstFactor({ user, method: "passkey", next: "/account" }, ctx, {});
    expect((await validateSession(outcome.cookies.session!.token))!.amr).toEqual(["hwk", "user", "mfa"]);
  });
});

describe("signInWithPassword", () => {
  it("checks the password (lib/users) before anything else happens, then continues as above", async () => {
    const user = await newUser();
    const refused = await signInWithPassword({ email: user.email, password: "y".repeat(20), next: "/account" }, ctx, {}).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).code).toBe("invalid_credentials");
    const outcome = await signInWithPassword({ email: user.email, password: "x".repeat(20), next: "/account" }, ctx, {});
    expect(outcome).toMatchObject({ redirectTo: "/account", cookies: { session: { userId: user.id } } });
  });
});

describe("signInWithPasskey", () => {
  it("starts one session for one answer: the same answer sent twice at once signs in once", async () => {
    const user = await newUser();
    const rp = relyingParty();
    const device = new SoftAuthenticator(rp.id, rp.origin);
    await registerPasskey(user, device.register(await passkeyRegistrationOptions(user)), "Test laptop", ctx);
    // The browser is signed in already: a second session would end the first, and its grants.
    const previous = await createSession(user.id, ctx);
    const answer = device.assert((await passkeyAuthenticationOptions("sign-in", null, ctx)).challenge);
    const results = await Promise.allSettled([0, 1].map(() => signInWithPasskey(answer, "/account", ctx, { sessionToken: previous.token })));
    const signedIn = results.filter((r) => r.status === "fulfilled");
    expect(signedIn).toHaveLength(1);
    expect(await t.db().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
    expect(await validateSession(signedIn[0]!.value.cookies.session!.token)).not.toBeNull();
  });
});
