// Transactional mail templates. Every value interpolated into HTML goes through the `html` tag,
// which escapes it unless it is already SafeHtml, so a display name such as `<script>` can never
// become markup. Links must be absolute http(s) URLs (no `javascript:` hrefs) and also appear in
// the text part, because many clients show only that or strip buttons.
import { MailError } from "./mail.errors";
import { escapeHtml } from "@/lib/formats";

const PRODUCT = "Portico";

export interface TemplateData {
  "verify-email": { link: string; name?: string };
  "reset-password": { link: string; name?: string };
  "account-locked": { unlockLink: string; resetLink: string; minutes: number; name?: string };
  /**
   * The password was replaced: by a reset link (`resetLink` only), or by the owner signed in on the
   * security page, which also says when and from which device, with "this wasn't me" (`notMeLink`).
   */
  "password-changed": { name?: string; resetLink?: string; at?: string; device?: string; place?: string; notMeLink?: string; securityLink?: string };
  /** To the new address: the change happens only when this link is confirmed. */
  "email-change-confirm": { link: string; hours: number; name?: string };
  /** To the old address when a change is asked for; the new one is shown masked, enough to recognise, not to harvest. */
  "email-change-requested": { newEmail: string; cancelLink: string; days: number; name?: string };
  /** To the old address once the change happened, with the way back (masked as above). */
  "email-changed-notice": { newEmail: string; revertLink: string; days: number; name?: string };
  /** Someone tried to register an address that already has an account (sent instead of an error). */
  "already-registered": { signInLink: string; resetLink: string; name?: string };
  /** A recovery code was used to sign in: the owner should know, in case it was not them. */
  "recovery-code-used": { remaining: number; securityLink: string; name?: string };
  /** The second step of a sign-in by email: a six-digit code. */
  "sign-in-code": { code: string; minutes: number; name?: string };
  /** Two-step verification was turned on or off; `byAdministrator`: turned off by support (the owner had lost every factor). */
  "two-step-changed": { enabled: boolean; securityLink: string; name?: string; byAdministrator?: boolean };
  /** A sign-in from a browser the account never used, with a link that locks the account if it was not the owner. */
  "new-sign-in": { device: string; place: string; at: string; notMeLink: string; securityLink: string; name?: string };
  /** The owner asked to delete the account: it is disabled now and erased on `erasureDate` unless the link cancels it. */
  "account-deletion-scheduled": { erasureDate: string; cancelLink: string; name?: string };
  /** The account was erased: the last message to the address. */
  "account-erased": { name?: string; byAdministrator?: boolean };
  /**
   * A sign-in method was added to or removed from the account (a passkey, an authenticator app, a
   * phone number, new recovery codes), or a recovery removed some: every change is told to the owner.
   */
  "sign-in-method-changed": { change: "added" | "removed" | "recovery_codes_replaced"; methods: string[]; securityLink: string; resetLink: string; name?: string };
  /** The owner's copy of their data is ready: the link downloads it (signed in as the owner) until `expiresAt`. */
  "data-export-ready": { link: string; expiresAt: string; name?: string };
  /** An administrative role was given to or taken from the account (delegated administration). */
  "role-changed": { change: "granted" | "revoked"; role: string; consoleLink: string; name?: string };
  /** An administrator created an account for this address: the link sets its password (and proves the mailbox) once, within `hours`. */
  invitation: { link: string; hours: number; name?: string };
  /**
   * An administrator changed the account (lib/users/admin-user-actions.ts): the owner is told what,
   * with the way to react. `application`: the application whose access was removed.
   */
  "account-changed-by-admin": { change: AdminChange; securityLink: string; resetLink: string; application?: string; name?: string };
  /** To the security team: a high-risk sign-in and why. */
  "risk-alert": { account: string; action: string; score: number; explanation: string; place: string; at: string; consoleLink: string; name?: string };
  /** To the administrators who manage webhooks: a subscription failing for too long was disabled. */
  "webhook-disabled": { url: string; hours: number; failures: number; since: string; consoleLink: string; name?: string };
}
export type TemplateName = keyof TemplateData;

/** What an administrator did to an account, as its owner is told (template "account-changed-by-admin"). */
export type AdminChange = "created" | "email_changed" | "disabled" | "enabled" | "locked" | "unlocked" | "email_verified" | "email_unverified" | "reset_required" | "signed_out" | "application_removed";

const ADMIN_CHANGES: Record<AdminChange, [subject: string, what: string]> = {
  created: ["An account was created for you", "An administrator created an account for you with this email address. Ask them for the password, or choose your own:"],
  email_changed: ["Your sign-in address was changed", "Your organisation's directory changed the email address your account signs in with: this address no longer signs in, and mail about the account goes to the new one."],
  disabled: ["Your account was disabled", "An administrator disabled your account: you cannot sign in, and every session and application was signed out. Contact support if you think this is a mistake."],
  enabled: ["Your account was enabled again", "An administrator enabled your account again: you can sign in."],
  locked: ["Your account was locked", "An administrator locked sign-in to your account. Contact support to have it unlocked."],
  unlocked: ["Your account was unlocked", "An administrator unlocked your account: you can sign in again."],
  email_verified: ["Your email address was confirmed", "An administrator marked your email address as verified."],
  email_unverified: ["Please confirm your email address again", "An administrator asked that your email address be confirmed again. Sign in to get a new confirmation link."],
  reset_required: ["Choose a new password", "An administrator asked you to choose a new password: your next sign-in needs it. We sent a separate message with a link to set it."],
  signed_out: ["You were signed out everywhere", "An administrator signed your account out of every browser and application. Sign in again to continue."],
  application_removed: ["An application's access was removed", "An administrator removed an application's access to your account; it must ask you again to use it."],
};
export const templateNames = [
  "verify-email",
  "reset-password",
  "account-locked",
  "password-changed",
  "email-change-confirm",
  "email-change-requested",
  "email-changed-notice",
  "already-registered",
  "recovery-code-used",
  "two-step-changed",
  "sign-in-code",
  "new-sign-in",
  "risk-alert",
  "sign-in-method-changed",
  "account-deletion-scheduled",
  "account-erased",
  "data-export-ready",
  "role-changed",
  "invitation",
  "account-changed-by-admin",
  "webhook-disabled",
] as const satisfies readonly TemplateName[];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

class SafeHtml {
  constructor(readonly value: string) {}
}

export { escapeHtml };

function toHtml(v: unknown): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(toHtml).join("");
  return escapeHtml(String(v ?? ""));
}

function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + toHtml(values[i - 1]) + s));
}

function httpUrl(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new MailError("mail.invalid_link", "mail links must be absolute URLs");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new MailError("mail.invalid_link", "mail links must be http(s) URLs");
  }
  return url.href;
}

/** "a***@example.com": enough to recognise a mailbox, not to harvest it. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

// A message is a greeting, paragraphs and at most a couple of links; `layout` turns that into
// both parts so the text and the HTML cannot say different things.
type Block = string | { link: string; label: string };

function layout(subject: string, name: string | undefined, blocks: Block[]): RenderedMail {
  const greeting = name ? `Hi ${name},` : "Hi,";
  const text = [greeting, ...blocks.map((b) => (typeof b === "string" ? b : `${b.label}:\n${b.link}`)), `— ${PRODUCT}`]
    .join("\n\n")
    .concat("\n");

  const p = "margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2937";
  const body = blocks.map((b) =>
    typeof b === "string"
      ? html`<p style="${p}">${b}</p>`
      : html`<p style="margin:0 0 16px"><a href="${b.link}" style="display:inline-block;padding:10px 18px;background:#2563eb;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600;font-size:15px">${b.label}</a></p>
<p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:#6b7280">If the button does not work, copy this link into your browser:<br><a href="${b.link}" style="color:#2563eb;word-break:break-all">${b.link}</a></p>`,
  );
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${subject}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<div style="font-size:20px;font-weight:700;color:#111827;margin:0 0 24px">${PRODUCT}</div>
<p style="${p}">${greeting}</p>
${body}
<p style="margin:24px 0 0;font-size:12px;color:#9ca3af">This is an automated message from ${PRODUCT}. Please do not reply.</p>
</div></body></html>
`;
  return { subject, text, html: doc.value };
}

const renderers: { [K in TemplateName]: (d: TemplateData[K]) => RenderedMail } = {
  "verify-email": (d) =>
    layout(`Verify your email address for ${PRODUCT}`, d.name, [
      `Please confirm that this is your email address to finish setting up your ${PRODUCT} account.`,
      { label: "Verify email address", link: httpUrl(d.link) },
      "If you did not create an account, you can ignore this email.",
    ]),
  "reset-password": (d) =>
    layout(`Reset your ${PRODUCT} password`, d.name, [
      "We received a request to reset the password for your account.",
      { label: "Reset password", link: httpUrl(d.link) },
      "If you did not ask for this, you can ignore this email: your password stays unchanged.",
    ]),
  "account-locked": (d) =>
    layout(`Your ${PRODUCT} account is temporarily locked`, d.name, [
      `After several failed sign-in attempts we locked your account for ${d.minutes} minutes.`,
      "If it was you, you can unlock it now:",
      { label: "Unlock my account", link: httpUrl(d.unlockLink) },
      "If it was not you, someone may be guessing your password. Choose a new one:",
      { label: "Reset password", link: httpUrl(d.resetLink) },
    ]),
  "password-changed": (d) =>
    layout(`Your ${PRODUCT} password was changed`, d.name, [
      d.at && d.device
        ? `The password for your account was changed at ${d.at} from ${d.device}${d.place ? `, near ${d.place}` : ""}. Every other session was signed out. If you did this, no action is needed.`
        : "The password for your account was just changed. If you did this, no action is needed.",
      ...(d.notMeLink
        ? [
            "If it was not you, secure your account now: every session ends, sign-in methods added recently are removed, and we send you a link to choose a new password.",
            { label: "This wasn't me", link: httpUrl(d.notMeLink) },
          ]
        : d.resetLink
          ? ["If you did not, reset your password now and review your account activity:", { label: "Reset password", link: httpUrl(d.resetLink) }]
          : ["If you did not, reset your password now and review your account activity."]),
      ...(d.securityLink ? [{ label: "Review your security settings", link: httpUrl(d.securityLink) }] : []),
    ]),
  "email-change-confirm": (d) =>
    layout(`Confirm your new email address for ${PRODUCT}`, d.name, [
      `You asked to sign in to your ${PRODUCT} account with this address from now on. Nothing changes until you confirm.`,
      { label: "Confirm new email address", link: httpUrl(d.link) },
      `The link works once, for ${d.hours} hours. If you did not ask for this, ignore this email: your address stays as it is.`,
    ]),
  "email-change-requested": (d) =>
    layout(`Someone asked to change your ${PRODUCT} email address`, d.name, [
      `Someone signed in to your account asked to change its email address to ${maskEmail(d.newEmail)}. It changes only when that address confirms; until then, this address stays in charge.`,
      "If this was you, there is nothing to do.",
      "If it was not you, cancel the change now, and choose a new password: whoever asked knows your current one.",
      { label: "Cancel the change", link: httpUrl(d.cancelLink) },
      `The link works for ${d.days} days. If the change has happened by then, it switches the account back to this address, signs everyone out, and sends you a link here to choose a new password.`,
    ]),
  "email-changed-notice": (d) =>
    layout(`Your ${PRODUCT} email address was changed`, d.name, [
      `The email address of your account was changed to ${maskEmail(d.newEmail)}. This address will no longer receive messages about the account.`,
      "If you did this, there is nothing to do.",
      `If you did not, switch it back within ${d.days} days: the account returns to this address, everyone is signed out, and we send a link here to choose a new password.`,
      { label: "This wasn't me: switch back", link: httpUrl(d.revertLink) },
    ]),
  "account-deletion-scheduled": (d) =>
    layout(`Your ${PRODUCT} account will be deleted`, d.name, [
      "You asked us to delete your account. It is closed now: every session has ended and applications can no longer use it.",
      `On ${d.erasureDate} we erase your profile, sign-in methods, consents and history for good. Until then you can change your mind.`,
      "If you did not ask for this, keep the account and change your password.",
      { label: "Keep my account", link: httpUrl(d.cancelLink) },
    ]),
  invitation: (d) =>
    layout(`You are invited to ${PRODUCT}`, d.name, [
      "An administrator created an account for you with this email address. Choose your password to start using it:",
      { label: "Set my password", link: httpUrl(d.link) },
      `The link works once, for ${d.hours} hours. If you did not expect this, ignore this message: nothing happens until the link is used.`,
    ]),
  "account-changed-by-admin": (d) => {
    const [subject, what] = ADMIN_CHANGES[d.change];
    const detail = d.change === "application_removed" && d.application ? `${what} Application: ${d.application}.` : what;
    return layout(`${PRODUCT}: ${subject}`, d.name, [
      detail,
      ...(d.change === "created" ? [{ label: "Choose a password", link: httpUrl(d.resetLink) }] : [{ label: "Review your security settings", link: httpUrl(d.securityLink) }]),
      d.change === "created" ? "If you did not expect this, contact support." : "If you do not recognise this, reset your password and contact support.",
    ]);
  },
  "account-erased": (d) =>
    layout(`Your ${PRODUCT} account was deleted`, d.name, [
      d.byAdministrator
        ? "An administrator deleted your account: it and the data it held have been erased. This is the last message we send to this address about it. Contact support if you think this is a mistake."
        : "As you asked, your account and the data it held have been erased. This is the last message we send to this address about it.",
    ]),
  "data-export-ready": (d) =>
    layout(`Your ${PRODUCT} data is ready to download`, d.name, [
      "The copy of your data you asked for is ready: one JSON file with your account, profile, sign-in methods, sessions, applications and activity.",
      { label: "Download my data", link: httpUrl(d.link) },
      `The link works until ${d.expiresAt}, only when you are signed in to this account. If you did not ask for this, sign in, review your activity and change your password.`,
    ]),
  "already-registered": (d) =>
    layout(`You already have a ${PRODUCT} account`, d.name, [
      "Someone, probably you, tried to create an account with this email address. It already has one.",
      { label: "Sign in", link: httpUrl(d.signInLink) },
      "Forgot your password? Choose a new one:",
      { label: "Reset password", link: httpUrl(d.resetLink) },
      "If this was not you, you can ignore this email.",
    ]),
  "recovery-code-used": (d) =>
    layout(`A recovery code was used to sign in to ${PRODUCT}`, d.name, [
      `Someone signed in to your account with one of your recovery codes. ${d.remaining} unused code${d.remaining === 1 ? "" : "s"} remain.`,
      "If this was you, consider setting up your authenticator again and generating new codes:",
      { label: "Review your security settings", link: httpUrl(d.securityLink) },
      "If it was not you, change your password at once and generate new recovery codes.",
    ]),
  "new-sign-in": (d) =>
    layout(`New sign-in to your ${PRODUCT} account`, d.name, [
      `Your account was signed in to from a device it had not used before: ${d.device}, near ${d.place}, at ${d.at}.`,
      "If this was you, there is nothing to do.",
      "If it was not you, lock your account now: every session ends, and you choose a new password to get back in.",
      { label: "This wasn't me", link: httpUrl(d.notMeLink) },
      { label: "Review your security settings", link: httpUrl(d.securityLink) },
    ]),
  "risk-alert": (d) =>
    layout(`${PRODUCT} alert: high-risk sign-in to ${d.account}`, d.name, [
      `A sign-in to ${d.account} from ${d.place} at ${d.at} scored ${d.score} and was answered with: ${d.action}.`,
      `Why: ${d.explanation}.`,
      { label: "Open the risk alerts", link: httpUrl(d.consoleLink) },
    ]),
  "webhook-disabled": (d) =>
    layout(`${PRODUCT}: a webhook subscription was disabled`, d.name, [
      `Every delivery to ${d.url} has failed since ${d.since} (${d.failures} attempts in a row, more than ${d.hours} hours), so ${PRODUCT} stopped sending to it.`,
      "Fix the receiver, enable the subscription again, and replay the events it missed (they are kept for 30 days).",
      { label: "Open the subscription", link: httpUrl(d.consoleLink) },
    ]),
  "sign-in-code": (d) =>
    layout(`${d.code} is your ${PRODUCT} sign-in code`, d.name, [
      `Enter this code to finish signing in: ${d.code}`,
      `It works once, for ${d.minutes} minutes. If you did not try to sign in, someone knows your password: change it now.`,
    ]),
  "role-changed": (d) =>
    layout(d.change === "granted" ? `You are now ${d.role} in ${PRODUCT}` : `You are no longer ${d.role} in ${PRODUCT}`, d.name, [
      d.change === "granted"
        ? "An administrator gave your account this administrative role. The console asks for a passkey or an authenticator app, and a recent sign-in."
        : "An administrator took this administrative role away from your account.",
      "If you did not expect this, tell your security team.",
      ...(d.change === "granted" ? [{ label: "Open the console", link: httpUrl(d.consoleLink) }] : []),
    ]),
  "two-step-changed": (d) =>
    layout(d.enabled ? `Two-step verification is on for your ${PRODUCT} account` : `Two-step verification was turned off for your ${PRODUCT} account`, d.name, [
      d.enabled
        ? "Signing in with your password now also asks for a second step: a passkey or a code. Keep your recovery codes somewhere safe."
        : d.byAdministrator
          ? "An administrator removed your passkeys, authenticator apps, phone number and recovery codes, so signing in no longer asks for a second step. If you did not ask for this, change your password at once and contact support."
          : "Signing in no longer asks for a second step. If you did not do this, change your password at once.",
      { label: "Review your security settings", link: httpUrl(d.securityLink) },
    ]),
  "sign-in-method-changed": (d) => {
    const list = d.methods.join(", ");
    const [subject, what] =
      d.change === "added"
        ? [`A sign-in method was added to your ${PRODUCT} account`, `This sign-in method was added to your account: ${list}.`]
        : d.change === "removed"
          ? [`A sign-in method was removed from your ${PRODUCT} account`, `This sign-in method was removed from your account: ${list}.`]
          : [`New recovery codes for your ${PRODUCT} account`, "New recovery codes were created for your account; the old ones no longer work."];
    return layout(subject, d.name, [
      what,
      "If this was you, there is nothing to do.",
      "If it was not you, someone else is in your account: reset your password now. The reset signs everyone out and removes the sign-in methods added since you last proved this is your address.",
      { label: "Reset password", link: httpUrl(d.resetLink) },
      { label: "Review your security settings", link: httpUrl(d.securityLink) },
    ]);
  },
};

/**
 * Subjects that carry a secret, and what a row keeps instead once its body is removed
 * (lib/mail/retention.ts). Every other subject is kept as sent.
 */
export const SUBJECTS_WITHOUT_SECRETS: Partial<Record<TemplateName, string>> = {
  "sign-in-code": `Your ${PRODUCT} sign-in code`,
};

export function renderTemplate<K extends TemplateName>(name: K, data: TemplateData[K]): RenderedMail {
  const render = renderers[name] as ((d: TemplateData[K]) => RenderedMail) | undefined;
  if (!render) throw new MailError("mail.unknown_template", `unknown mail template: ${String(name)}`);
  return render(data);
}
