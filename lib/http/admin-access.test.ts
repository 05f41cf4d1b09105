// Who may use the admin console: an administrator with a strong second factor (passkey or
// authenticator app), in a two-factor session; sensitive actions also need a sign-in from the last
// 15 minutes (the security page's sudo mode).
import { describe, expect, it } from "vitest";
import { adminAccess, isRecentSignIn, RECENT_SIGN_IN_MINUTES } from "./admin-access";

const now = new Date("2026-12-04T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const admin = { isConsoleUser: true, amr: ["pwd", "otp", "mfa"], authTime: minutesAgo(1), hasStrongFactor: true };

describe("adminAccess", () => {
  it("lets an administrator with an authenticator app, signed in with it, into the console", () => {
    expect(adminAccess(admin, { now })).toBe("ok");
    expect(adminAccess({ ...admin, amr: ["hwk", "user", "mfa"] }, { now, recentSignIn: true })).toBe("ok");
  });

  it("refuses a customer whatever their factors", () => {
    expect(adminAccess({ ...admin, isConsoleUser: false }, { now })).toBe("forbidden");
  });

  it("sends an administrator with a password only (or only a phone) to set up a strong factor", () => {
    expect(adminAccess({ ...admin, amr: ["pwd"], hasStrongFactor: false }, { now })).toBe("needs_strong_factor");
    expect(adminAccess({ ...admin, amr: ["pwd", "sms", "mfa"], hasStrongFactor: false }, { now })).toBe("needs_strong_factor");
  });

  it("asks an administrator whose session was opened by password alone to sign in again with the second step", () => {
    expect(adminAccess({ ...admin, amr: ["pwd"] }, { now })).toBe("needs_mfa_session");
  });

  it("asks for a sign-in from the last 15 minutes before a sensitive action, not before reading", () => {
    const old = { ...admin, authTime: minutesAgo(RECENT_SIGN_IN_MINUTES + 1) };
    expect(adminAccess(old, { now })).toBe("ok");
    expect(adminAccess(old, { now, recentSignIn: true })).toBe("needs_recent_sign_in");
    expect(adminAccess({ ...admin, authTime: minutesAgo(RECENT_SIGN_IN_MINUTES - 1) }, { now, recentSignIn: true })).toBe("ok");
  });

  it("counts a sign-in as recent for 15 minutes", () => {
    expect(RECENT_SIGN_IN_MINUTES).toBe(15);
    expect(isRecentSignIn(minutesAgo(14), now)).toBe(true);
    expect(isRecentSignIn(minutesAgo(16), now)).toBe(false);
  });
});
