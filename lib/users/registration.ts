// Self-service registration. The answer never says whether the email was already registered, and
// the request does the same work either way (no enumeration by message or by time): an existing
// owner gets a mail instead of a second account, from the background worker.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword } from "@/lib/credentials";
import { enqueueMail } from "@/lib/mail";
import { consumeLimit } from "@/lib/ratelimit";
import { config } from "@/lib/config";
import { verifyCaptcha } from "@/lib/captcha";
import { recordRegistrationAcceptances } from "@/lib/legal";
import { checkRegistrationConsents } from "@/lib/consents";
import { UserError } from "./users.errors";
import { findUserByEmail, insertUser, type Tx } from "./users.repo";
import { enqueueAccountJob, type AccountJob } from "./account-jobs";
import { addressHeldForSwitchBack, issueUserToken } from "./user-tokens";
import { publicLink } from "./links";
import type { RegistrationInput } from "./users.schema";

const registrationsPerIp = () => ({ keyPrefix: "register-ip", points: config().REGISTRATIONS_PER_IP_HOUR, durationSeconds: 3600 });

type RegistrationRequest = RegistrationInput & { captcha: string | undefined; acceptedDocuments?: string[]; consents?: Record<string, number> };

/**
 * The registration form's submission. Each one leaves a "registration.attempted" event (no
 * address: the same event whatever it is), the first steps of the analytics funnel: started (any),
 * CAPTCHA passed (success), then user.registered and user.email_verified.
 */
export async function registerUser(input: RegistrationRequest, ctx: RequestContext): Promise<{ email: string }> {
  try {
    const result = await queueRegistration(input, ctx);
    await recordAudit({ actor: { type: "anonymous" }, action: "registration.attempted", result: "success", context: ctx, details: { captcha: "passed" } });
    return result;
  } catch (e) {
    const reason = e instanceof UserError ? e.code : "error";
    await recordAudit({ actor: { type: "anonymous" }, action: "registration.attempted", result: "failure", context: ctx, details: { reason } });
    throw e;
  }
}

async function queueRegistration(input: RegistrationRequest, ctx: RequestContext): Promise<{ email: string }> {
  const evaluation = evaluatePassword(input.password, { email: input.email, displayName: input.displayName, singleFactor: true });
  if (evaluation.issues.length) {
    throw new UserError("password_policy", evaluation.issues[0]!.message, { field: "password", issues: evaluation.issues.map((i) => i.message) });
  }
  // The purposes ticked (never required, never pre-ticked: GDPR art. 7) must be offered on the form
  // now, based on consent, at the text shown; anything else is refused here, before anything is queued.
  const consents = await checkRegistrationConsents(input.consents ?? {});
  if (ctx.ip) {
    const wait = await consumeLimit(registrationsPerIp(), ctx.ip);
    if (wait) throw new UserError("rate_limited", "Too many registrations from your network. Try again later.", { retryAfterSeconds: wait });
  }
  if (!(await verifyCaptcha(input.captcha))) {
    throw new UserError("captcha_failed", "Please complete the verification challenge again.", { field: "captcha" });
  }
  // Everything above is the same for every address; so is the rest: the hash and one queued job.
  // Whether the address has an account is looked at only by the worker (completeRegistration).
  const passwordHash = await hashPassword(input.password);
  await enqueueAccountJob("registration", input.email, { passwordHash, displayName: input.displayName, termsAcceptedAt: new Date().toISOString(), acceptedDocuments: input.acceptedDocuments ?? [], consents }, ctx);
  return { email: input.email };
}

/**
 * The worker's half: a new account with a verification link, or, when the address has an account
 * already, a mail to its owner instead of a second account. Two registrations for one address at
 * once: the loser's insert fails, its job is retried, and then finds the account.
 */
export async function completeRegistration(job: AccountJob<"registration">, tx: Tx): Promise<void> {
  const { passwordHash, displayName, termsAcceptedAt, acceptedDocuments, consents } = job.payload;
  const existing = await findUserByEmail(job.email, tx);
  // An address an account just left by an email change is still its owner's (email-change.ts).
  // Neither gets the purposes ticked on this form: a stranger's form is no consent of the owner's.
  if (existing || (await addressHeldForSwitchBack(job.email, { tx }))) {
    const name = existing?.displayName ?? undefined;
    await enqueueMail({ to: job.email, template: "already-registered", data: { signInLink: publicLink("/login"), resetLink: publicLink("/forgot-password"), name } }, tx);
    await recordAudit({ actor: { type: "anonymous" }, action: "user.register_existing", target: { type: "email", id: job.email }, result: "failure", context: job.context, details: existing ? undefined : { reason: "address_held" } }, tx);
    return;
  }
  // The purposes ticked wait for the address to be verified (verifyEmail gives them): until then
  // anyone could have typed it, and a stranger's ticks are no consent of the owner's (GDPR art. 7(1)).
  const pendingConsents = consents?.length ? { at: termsAcceptedAt, consents } : undefined;
  const user = await insertUser({ email: job.email, passwordHash, displayName, termsAcceptedAt: new Date(termsAcceptedAt), pendingConsents }, tx);
  const token = await issueUserToken(user.id, "verify_email", { email: user.email, tx });
  await enqueueMail({ to: user.email, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name: displayName } }, tx);
  await recordAudit({ actor: { type: "user", id: user.id }, action: "user.registered", target: { type: "user", id: user.id }, result: "success", context: job.context }, tx);
  await emitIdentityEvent({ type: "user.created", userId: user.id, data: { source: "registration" } }, tx);
  // The versions of the terms and privacy notice the form showed (lib/legal checked them then).
  await recordRegistrationAcceptances(user.id, acceptedDocuments ?? [], new Date(termsAcceptedAt), job.context, tx);
}
