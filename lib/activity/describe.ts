// The customer's security history in plain language: which audit events a person sees about their
// own account (CATALOGUE: keyed "action" or "action:result"), and how each one reads. Pure (an event in, a sentence out), so every wording is
// unit-tested; the internals an event carries (scores, rule ids, factor ids) never reach the page.

/** An audit event as the history reads it (lib/audit's HistoryEvent). */
export interface AuditEventView {
  actorType: string;
  action: string;
  /** For events on something other than the person: the application's client id, a session id. */
  targetId: string | null;
  result: string;
  details: Record<string, unknown> | null;
}

/** How an entry should catch the eye: routine, worth a look, or something Portico stopped. */
export type Tone = "routine" | "attention" | "alert";

export interface Description {
  title: string;
  detail?: string;
  tone: Tone;
  /** A sign-in or an attempt at one: the owner can say "this wasn't me". */
  signIn: boolean;
}

type Describe = (event: AuditEventView, names: Names) => Description | null;

/** Names the history needs from elsewhere: applications by client id. */
export interface Names {
  application: (clientId: string | undefined) => string;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
/** A map's own entry for a stored value (never an inherited property such as "constructor"). */
function pick<T>(map: Record<string, T>, v: unknown): T | undefined {
  return typeof v === "string" && Object.hasOwn(map, v) ? map[v] : undefined;
}
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

const METHODS: Record<string, string> = {
  password: "password",
  passkey: "a passkey",
  totp: "an authenticator app",
  sms: "a text-message code",
  email: "an emailed code",
  recovery_code: "a recovery code",
};
const methodName = (v: unknown) => pick(METHODS, v);

const FACTOR_TYPES: Record<string, string> = { passkey: "A passkey", totp: "An authenticator app", sms: "A text-message number" };

const FAILURE_REASONS: Record<string, string> = {
  wrong_password: "Wrong password.",
  email_unverified: "The email address was not verified yet.",
  disabled: "The account is disabled.",
};

/** What made a sign-in look unusual, from the risk engine's signal codes (lib/risk/signals). */
const SIGNALS: Record<string, string> = {
  new_device: "a device not seen before",
  impossible_travel: "a place too far from the last sign-in for the time between them",
  unusual_time: "an unusual time of day",
  account_failures: "many failed attempts on the account",
  ip_failures: "many failed attempts from the same network",
  credential_stuffing: "attempts on many accounts from the same network",
  ip_denylisted: "a blocked network",
  compromised_password: "a password known from a data breach",
  transaction_value: "a high-value request",
};

const RISK_OUTCOMES: Record<string, { title: string; tone: Tone }> = {
  step_up: { title: "An unusual sign-in was asked for a second step", tone: "attention" },
  reset: { title: "An unusual sign-in was asked to choose a new password", tone: "alert" },
  lock: { title: "An unusual sign-in locked the account", tone: "alert" },
  deny: { title: "An unusual sign-in was refused", tone: "alert" },
};

const SIGN_OUT_REASONS: Record<string, string> = {
  password_reset: "After a password reset.",
  reported_not_me: "After you reported activity that wasn't you.",
  email_change_reverted: "After the email change was switched back.",
  account_deletion: "The account was closed for deletion.",
  password_changed: "After a password change.",
  administrator: "By an administrator.",
  disabled_by_admin: "The account was disabled by an administrator.",
};

/** "2 hours", "7 days": an administrator's lock length in minutes, in words. */
function lockLength(minutes: number): string {
  if (minutes % (24 * 60) === 0) return minutes === 24 * 60 ? "1 day" : `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "1 hour" : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

const by = (e: AuditEventView) => (e.actorType === "admin" ? " by an administrator" : "");

/** Which version of the text, given at registration, and the application that recorded the decision when one did. */
function purposeDetail(e: AuditEventView, names: Names): string | undefined {
  const version = count(e.details?.version);
  const app = text(e.details?.clientId);
  const atRegistration = e.details?.method === "registration" ? "When you created your account." : undefined;
  const parts = [version !== undefined ? `Version ${version} of its text.` : undefined, atRegistration, app ? `Recorded by ${names.application(app)}.` : undefined].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

const CHANNEL_WORDS: Record<string, string> = { email: "by email", sms: "by text message", push: "by push notification" };
/** "Newsletter by email: on; Offers by text message: off." from the changed pairs (lib/preferences). */
function preferenceChanges(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const parts = v.flatMap((c: unknown) => {
    const change = (c ?? {}) as Record<string, unknown>;
    const channel = pick(CHANNEL_WORDS, change.channel);
    const name = text(change.label) ?? text(change.topic);
    return channel && name && typeof change.optedIn === "boolean" ? [`${name} ${channel}: ${change.optedIn ? "on" : "off"}`] : [];
  });
  return parts.length ? `${parts.join("; ")}.` : undefined;
}

const DOCUMENTS: Record<string, string> = { terms: "the terms of service", privacy: "the privacy notice" };
/** "the terms of service (version 2) and the privacy notice (version 1)" (lib/legal). */
function acceptedDocuments(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const names = v.flatMap((d: unknown) => {
    const doc = (d ?? {}) as Record<string, unknown>;
    const name = pick(DOCUMENTS, doc.kind);
    return name ? [count(doc.version) ? `${name} (version ${count(doc.version)})` : name] : [];
  });
  return names.length ? names.join(" and ") : undefined;
}

const CATALOGUE: Record<string, Describe> = {
  "login.succeeded": (e) => ({ title: "Signed in", detail: methodName(e.details?.method) ? `With ${methodName(e.details?.method)}.` : undefined, tone: "routine", signIn: true }),
  "login.failed": (e) => ({ title: "Failed sign-in attempt", detail: pick(FAILURE_REASONS, e.details?.reason), tone: "attention", signIn: true }),
  "login.passkey_failed": () => ({ title: "Failed passkey sign-in", tone: "attention", signIn: true }),
  "login.throttled": () => ({ title: "Sign-in attempt refused: sign-in was locked", tone: "attention", signIn: true }),
  "login.second_factor_succeeded": (e) => ({ title: "Second step completed", detail: methodName(e.details?.method) ? `With ${methodName(e.details?.method)}.` : undefined, tone: "routine", signIn: true }),
  "login.second_factor_failed": (e) => ({ title: "Wrong second-step code", detail: methodName(e.details?.method) ? `Tried ${methodName(e.details?.method)}.` : undefined, tone: "attention", signIn: true }),
  "login.trusted_device": () => ({ title: "Signed in from a remembered browser", detail: "The second step was skipped on this browser, as you chose.", tone: "routine", signIn: true }),
  // Only the assessments that asked for more or refused ("allow" is every ordinary sign-in).
  "risk.assessed:failure": (e) => {
    const outcome = pick(RISK_OUTCOMES, e.details?.action);
    if (!outcome) return null;
    const reasons = list(e.details?.signals).map((s) => pick(SIGNALS, s)).filter((s): s is string => Boolean(s));
    return { ...outcome, detail: reasons.length ? `It came from ${reasons.join(", ")}.` : undefined, signIn: true };
  },
  "user.locked": (e) => ({ title: "Sign-in locked after repeated failed attempts", detail: count(e.details?.minutes) ? `For ${count(e.details?.minutes)} minutes.` : undefined, tone: "alert", signIn: false }),
  "user.unlocked": (e) => ({ title: `Sign-in unlocked${by(e)}`, tone: "routine", signIn: false }),
  // The console's actions on the account (lib/users/admin-user-actions.ts).
  "user.locked_by_admin": (e) => ({ title: "Sign-in locked by an administrator", detail: count(e.details?.minutes) ? `For ${lockLength(count(e.details?.minutes)!)}.` : undefined, tone: "alert", signIn: false }),
  "user.disabled": () => ({ title: "Account disabled by an administrator", detail: "Every session and application was signed out.", tone: "alert", signIn: false }),
  "user.enabled": () => ({ title: "Account enabled again by an administrator", tone: "attention", signIn: false }),
  "user.email_verified_by_admin": () => ({ title: "Email address marked as verified by an administrator", tone: "routine", signIn: false }),
  "user.email_unverified_by_admin": () => ({ title: "An administrator asked you to confirm your email address again", tone: "attention", signIn: false }),
  "user.created_by_admin": () => ({ title: "Account created by an administrator", tone: "routine", signIn: false }),
  "user.invitation_accepted": () => ({ title: "Invitation accepted: password set", detail: "The email address was verified by the invitation link.", tone: "routine", signIn: false }),
  "consent.withdrawn_by_admin": (e, names) => ({ title: `Access of ${names.application(text(e.details?.clientId))} removed by an administrator`, tone: "attention", signIn: false }),
  "user.registered": () => ({ title: "Account created", tone: "routine", signIn: false }),
  "user.email_verified": () => ({ title: "Email address verified", tone: "routine", signIn: false }),
  "user.email_change_requested:success": (e) => ({ title: "Email change requested", detail: text(e.details?.to) ? `To ${text(e.details?.to)}.` : undefined, tone: "attention", signIn: false }),
  "user.email_changed:success": (e) => ({ title: "Email address changed", detail: text(e.details?.to) ? `Now ${text(e.details?.to)}.` : undefined, tone: "attention", signIn: false }),
  "user.email_change_cancelled": () => ({ title: "Email change cancelled", tone: "routine", signIn: false }),
  "user.email_change_reverted:success": () => ({ title: "Email address switched back and account secured", tone: "alert", signIn: false }),
  "user.profile_updated": (e) => ({ title: `Profile updated${by(e)}`, tone: "routine", signIn: false }),
  // A bulk import by an administrator (lib/user-import).
  "user.imported": () => ({ title: "Account created by an administrator", detail: "Your account was brought over from another system.", tone: "routine", signIn: false }),
  "user.import_updated": () => ({ title: "Profile updated by an administrator", detail: "From an import of accounts from another system.", tone: "routine", signIn: false }),
  "legal.accepted": (e) => {
    const docs = acceptedDocuments(e.details?.documents);
    return { title: "Accepted the terms", detail: docs ? `You accepted ${docs}.` : undefined, tone: "routine", signIn: false };
  },
  "legal.declined": (e) => {
    const docs = acceptedDocuments(e.details?.documents);
    return { title: "Declined the updated terms", detail: `${docs ? `You did not accept ${docs}, so ` : "So "}the sign-in did not finish.`, tone: "attention", signIn: false };
  },
  "user.preferences_updated": (e, names) => {
    const app = text(e.details?.clientId);
    const detail = [preferenceChanges(e.details?.changes), app ? `Changed through ${names.application(app)}.` : undefined].filter(Boolean).join(" ");
    return { title: `Communication preferences changed${by(e)}`, detail: detail || undefined, tone: "routine", signIn: false };
  },
  "user.password_changed:success": () => ({ title: "Password changed", detail: "Every other session was signed out.", tone: "attention", signIn: false }),
  // A wrong current password counts like a failed sign-in: the owner should see it.
  "user.password_changed:failure": (e) => ({ title: "Password change refused", detail: e.details?.reason === "reauthentication_failed" ? "The current password typed was wrong." : undefined, tone: "attention", signIn: false }),
  "password.reset_requested:success": (e) => ({ title: `Password reset link sent${by(e)}`, tone: "attention", signIn: false }),
  "password.reset:success": () => ({ title: "Password reset", tone: "attention", signIn: false }),
  "password.reset_forced": (e) => ({
    title: "A new password was required",
    detail: e.details?.reason === "administrator" ? (e.actorType === "admin" ? "An administrator asked for it." : "A sign-in waited for it: an administrator had asked for a new password.") : "The password used is known from a data breach.",
    tone: "alert",
    signIn: false,
  }),
  "user.reported_not_me": () => ({ title: "You reported activity that wasn't you", detail: "The account was locked until a new password is chosen.", tone: "alert", signIn: false }),
  "user.signed_out_other_sessions": (e) => ({ title: "Signed out of every other session", detail: pick(SIGN_OUT_REASONS, e.details?.reason), tone: "attention", signIn: false }),
  "user.signed_out_everywhere": (e) => ({ title: "Signed out everywhere", detail: pick(SIGN_OUT_REASONS, e.details?.reason), tone: "attention", signIn: false }),
  "user.deletion_requested": (e) => ({ title: `Account deletion requested${by(e)}`, detail: "The account was closed; the emailed link keeps it until the erasure date.", tone: "alert", signIn: false }),
  "user.deletion_cancelled": () => ({ title: "Account deletion cancelled", tone: "attention", signIn: false }),
  "user.export_requested": () => ({ title: "A copy of your data was requested", detail: "It is prepared in the background; we email you when it is ready.", tone: "routine", signIn: false }),
  "user.export_downloaded": () => ({ title: "A copy of your data was downloaded", tone: "attention", signIn: false }),
  "session.ended": () => ({ title: "Signed out", tone: "routine", signIn: false }),
  "mfa.passkey_registered": () => ({ title: "Passkey added", tone: "attention", signIn: false }),
  "mfa.totp_enrolled": () => ({ title: "Authenticator app added", tone: "attention", signIn: false }),
  "mfa.sms_enrolled": () => ({ title: "Text-message number added", tone: "attention", signIn: false }),
  "mfa.factor_removed": (e) => ({ title: `${pick(FACTOR_TYPES, e.details?.type) ?? "A sign-in method"} removed${by(e)}`, tone: "attention", signIn: false }),
  "mfa.recovery_codes_regenerated": () => ({ title: "New recovery codes created", detail: "The old ones no longer work.", tone: "attention", signIn: false }),
  "mfa.recovery_codes_removed": () => ({ title: "Recovery codes removed", tone: "attention", signIn: false }),
  "mfa.recovery_code_used": (e) => ({ title: "Recovery code used", detail: count(e.details?.remaining) !== undefined ? `${count(e.details?.remaining)} left.` : undefined, tone: "attention", signIn: false }),
  "mfa.reset_by_admin": () => ({ title: "Second steps removed by an administrator", tone: "alert", signIn: false }),
  "mfa.device_trusted": () => ({ title: "Browser remembered for the second step", tone: "routine", signIn: false }),
  "mfa.trusted_devices_forgotten": () => ({ title: "Remembered browsers forgotten", tone: "routine", signIn: false }),
  "consent.granted": (e, names) => ({ title: `Allowed ${names.application(e.targetId ?? undefined)}`, detail: list(e.details?.scopes).length ? `Access: ${list(e.details?.scopes).join(", ")}.` : undefined, tone: "routine", signIn: false }),
  "consent.withdrawn": (e, names) => ({ title: `Removed access of ${names.application(e.targetId ?? undefined)}`, tone: "routine", signIn: false }),
  // Consent to a processing purpose (lib/consents): given here, or recorded by an application that collected it.
  "purpose_consent.given": (e, names) => ({ title: `Consent given: ${text(e.details?.purposeName) ?? text(e.details?.purpose) ?? "a use of your data"}`, detail: purposeDetail(e, names), tone: "routine", signIn: false }),
  "purpose_consent.withdrawn": (e, names) => ({ title: `Consent withdrawn: ${text(e.details?.purposeName) ?? text(e.details?.purpose) ?? "a use of your data"}`, detail: purposeDetail(e, names), tone: "routine", signIn: false }),
  // Progressive profiling (lib/oidc/profiling.ts): "Not now" to an application's optional questions.
  "profile.prompt_skipped": (e, names) => {
    const days = count(e.details?.remindAfterDays);
    return { title: `Skipped profile questions from ${names.application(e.targetId ?? undefined)}`, detail: days ? `You will be asked again after ${days} days.` : undefined, tone: "routine", signIn: false };
  },
  "oauth.device_approved": (e, names) => ({ title: `Signed in on another device to ${names.application(e.targetId ?? undefined)}`, tone: "attention", signIn: true }),
};

/**
 * What a person's history shows, as the query's allow-list (nothing else is read): an action with
 * any result ("login.failed"), or an action with one result only ("password.reset:success").
 */
export const HISTORY_ACTIONS: readonly string[] = Object.keys(CATALOGUE);

/** The entry for an event, or null when the history does not show it. */
export function describeEvent(event: AuditEventView, names: Names): Description | null {
  const describe = pick(CATALOGUE, `${event.action}:${event.result}`) ?? pick(CATALOGUE, event.action);
  return describe ? describe(event, names) : null;
}
