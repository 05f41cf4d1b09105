import { describe, expect, it } from "vitest";
import { describeEvent, HISTORY_ACTIONS, type AuditEventView } from "./describe";

const names = { application: (id: string | undefined) => (id === "app-1" ? "Mail" : "an application") };
const event = (action: string, over: Partial<AuditEventView> = {}): AuditEventView => ({ actorType: "user", action, targetId: null, result: "success", details: null, ...over });

describe("describeEvent", () => {
  it("describes every action of the allow-list in words, never with the action's code", () => {
    for (const key of HISTORY_ACTIONS) {
      const [action, result] = key.split(":");
      const d = describeEvent(event(action!, { result: result ?? "success", details: { action: "deny" } }), names);
      expect(d, key).not.toBeNull();
      expect(d!.title, key).not.toMatch(/[._]/);
    }
  });

  it("shows a failed attempt with its reason, and offers the report on sign-ins only", () => {
    expect(describeEvent(event("login.failed", { result: "failure", details: { reason: "wrong_password" } }), names)).toEqual({ title: "Failed sign-in attempt", detail: "Wrong password.", tone: "attention", signIn: true });
    expect(describeEvent(event("login.succeeded", { details: { method: "passkey" } }), names)).toMatchObject({ title: "Signed in", detail: "With a passkey.", signIn: true });
    expect(describeEvent(event("mfa.totp_enrolled"), names)).toMatchObject({ signIn: false });
  });

  it("shows the risk engine only when it asked for more or refused, with the reasons in words", () => {
    expect(HISTORY_ACTIONS).not.toContain("risk.assessed");
    expect(describeEvent(event("risk.assessed", { result: "success", details: { action: "allow" } }), names)).toBeNull();
    expect(describeEvent(event("risk.assessed", { result: "failure", details: { action: "step_up", signals: ["new_device", "impossible_travel", "made_up"] } }), names)).toEqual({
      title: "An unusual sign-in was asked for a second step",
      detail: "It came from a device not seen before, a place too far from the last sign-in for the time between them.",
      tone: "attention",
      signIn: true,
    });
  });

  it("keeps failed variants out where only the success is news (a refused email change is not a change)", () => {
    expect(describeEvent(event("user.email_changed", { result: "failure", details: { to: "x@example.com" } }), names)).toBeNull();
    expect(describeEvent(event("user.email_changed", { details: { to: "new@example.com" } }), names)).toMatchObject({ title: "Email address changed", detail: "Now new@example.com." });
    // A refused password change is not a change, and says why when the current password was wrong.
    expect(describeEvent(event("user.password_changed", { result: "failure", details: { reason: "reauthentication_failed", failures: 1 } }), names)).toMatchObject({ title: "Password change refused", detail: "The current password typed was wrong." });
    expect(describeEvent(event("user.password_changed"), names)).toMatchObject({ title: "Password changed" });
    expect(describeEvent(event("user.signed_out_other_sessions", { details: { reason: "password_changed" } }), names)).toMatchObject({ detail: "After a password change." });
  });

  it("words the console's actions on the account as an administrator's", () => {
    expect(describeEvent(event("user.locked_by_admin", { actorType: "admin", details: { minutes: 1440 } }), names)).toMatchObject({ title: "Sign-in locked by an administrator", detail: "For 1 day.", tone: "alert" });
    expect(describeEvent(event("user.locked_by_admin", { actorType: "admin", details: { minutes: 60 } }), names)!.detail).toBe("For 1 hour.");
    expect(describeEvent(event("user.unlocked", { actorType: "admin" }), names)!.title).toBe("Sign-in unlocked by an administrator");
    expect(describeEvent(event("user.unlocked"), names)!.title).toBe("Sign-in unlocked");
    expect(describeEvent(event("user.disabled", { actorType: "admin" }), names)).toMatchObject({ title: "Account disabled by an administrator", tone: "alert" });
    expect(describeEvent(event("user.enabled", { actorType: "admin" }), names)!.title).toBe("Account enabled again by an administrator");
    expect(describeEvent(event("user.email_verified_by_admin", { actorType: "admin" }), names)!.title).toBe("Email address marked as verified by an administrator");
    expect(describeEvent(event("user.email_unverified_by_admin", { actorType: "admin" }), names)!.title).toMatch(/confirm your email address again/);
    expect(describeEvent(event("user.created_by_admin", { actorType: "admin" }), names)!.title).toBe("Account created by an administrator");
    expect(describeEvent(event("user.invitation_accepted"), names)!.title).toBe("Invitation accepted: password set");
    expect(describeEvent(event("consent.withdrawn_by_admin", { actorType: "admin", details: { clientId: "app-1" } }), names)!.title).toBe("Access of Mail removed by an administrator");
    expect(describeEvent(event("password.reset_requested", { actorType: "admin" }), names)!.title).toBe("Password reset link sent by an administrator");
    expect(describeEvent(event("password.reset_forced", { actorType: "admin", details: { reason: "administrator" } }), names)!.detail).toBe("An administrator asked for it.");
    expect(describeEvent(event("password.reset_forced", { actorType: "system", details: { reason: "compromised_password" } }), names)!.detail).toBe("The password used is known from a data breach.");
    expect(describeEvent(event("user.signed_out_everywhere", { actorType: "admin", details: { reason: "administrator" } }), names)!.detail).toBe("By an administrator.");
  });

  it("names applications and administrators", () => {
    expect(describeEvent(event("consent.granted", { targetId: "app-1", details: { scopes: ["openid", "email"] } }), names)).toMatchObject({ title: "Allowed Mail", detail: "Access: openid, email." });
    expect(describeEvent(event("user.profile_updated", { actorType: "admin" }), names)!.title).toBe("Profile updated by an administrator");
    expect(describeEvent(event("mfa.factor_removed", { details: { type: "sms" } }), names)!.title).toBe("A text-message number removed");
    expect(describeEvent(event("user.imported", { actorType: "admin" }), names)).toMatchObject({ title: "Account created by an administrator", detail: "Your account was brought over from another system." });
  });

  it("says which consent to a purpose was given or withdrawn, to which version, and by which application", () => {
    expect(describeEvent(event("purpose_consent.given", { details: { purpose: "newsletter", purposeName: "Marketing emails", version: 2 } }), names)).toMatchObject({ title: "Consent given: Marketing emails", detail: "Version 2 of its text.", tone: "routine" });
    expect(describeEvent(event("purpose_consent.withdrawn", { actorType: "system", details: { purpose: "newsletter", version: 1, clientId: "app-1" } }), names)).toMatchObject({ title: "Consent withdrawn: newsletter", detail: "Version 1 of its text. Recorded by Mail." });
    expect(describeEvent(event("purpose_consent.given", { details: {} }), names)!.title).toBe("Consent given: a use of your data");
    expect(describeEvent(event("purpose_consent.given", { details: { purpose: "newsletter", purposeName: "Marketing emails", version: 1, method: "registration" } }), names)!.detail).toBe("Version 1 of its text. When you created your account.");
  });

  it("names the application whose profile questions were skipped, and when they come back", () => {
    expect(describeEvent(event("profile.prompt_skipped", { targetId: "app-1", details: { attributes: ["tier"], remindAfterDays: 30 } }), names)).toEqual({
      title: "Skipped profile questions from Mail",
      detail: "You will be asked again after 30 days.",
      tone: "routine",
      signIn: false,
    });
  });

  it("lists the communication preferences that changed, by label and channel", () => {
    const changes = [
      { topic: "newsletter", label: "Newsletter", channel: "email", optedIn: true },
      { topic: "offers", channel: "sms", optedIn: false },
      { topic: "odd", label: "Odd", channel: "fax", optedIn: true },
    ];
    expect(describeEvent(event("user.preferences_updated", { details: { changes } }), names)).toEqual({
      title: "Communication preferences changed",
      detail: "Newsletter by email: on; offers by text message: off.",
      tone: "routine",
      signIn: false,
    });
    expect(describeEvent(event("user.preferences_updated", { actorType: "admin", details: { changes: "nonsense" } }), names)).toMatchObject({ title: "Communication preferences changed by an administrator", detail: undefined });
  });

  it("names the legal documents accepted, with their versions", () => {
    expect(describeEvent(event("legal.accepted", { details: { documents: [{ kind: "terms", version: 2 }, { kind: "privacy", version: 1 }, { kind: "constructor", version: 1 }] } }), names)).toEqual({
      title: "Accepted the terms",
      detail: "You accepted the terms of service (version 2) and the privacy notice (version 1).",
      tone: "routine",
      signIn: false,
    });
  });

  it("ignores unknown actions and stored values that are not its own (no inherited properties)", () => {
    expect(describeEvent(event("keys.rotated"), names)).toBeNull();
    expect(describeEvent(event("constructor"), names)).toBeNull();
    expect(describeEvent(event("login.failed", { details: { reason: "constructor" } }), names)!.detail).toBeUndefined();
    expect(describeEvent(event("risk.assessed", { result: "failure", details: { action: "__proto__" } }), names)).toBeNull();
  });
});
