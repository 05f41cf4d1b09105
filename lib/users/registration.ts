// Self-service registration. The answer never says whether the email was already registered
// (no enumeration): an existing owner gets a mail instead of a second account.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { evaluatePassword, hashPassword } from "@/lib/credentials";
import { enqueueMail, kickMailWorker } from "@/lib/mail";
import { consumeLimit } from "@/lib/ratelimit";
import { config } from "@/lib/config";
import { verifyCaptcha } from "@/lib/captcha";
import { UserError } from "./users.errors";
import { findUserByEmail, insertUser, isUniqueViolation, withTransaction } from "./users.repo";
import { issueUserToken } from "./user-tokens";
import { publicLink } from "./links";
import type { RegistrationInput } from "./users.schema";

const registrationsPerIp = () => ({ keyPrefix: "register-ip", points: config().REGISTRATIONS_PER_IP_HOUR, durationSeconds: 3600 });

export async function registerUser(
  input: RegistrationInput & { captcha: string | undefined },
  ctx: RequestContext,
): Promise<{ email: string }> {
  const evaluation = evaluatePassword(input.password, { email: input.email, displayName: input.displayName, singleFactor: true });
  if (evaluation.issues.length) {
    throw new UserError("password_policy", evaluation.issues[0]!.message, { field: "password", issues: evaluation.issues.map((i) => i.message) });
  }
  if (ctx.ip) {
    const wait = await consumeLimit(registrationsPerIp(), ctx.ip);
    if (wait) throw new UserError("rate_limited", "Too many registrations from your network. Try again later.", { retryAfterSeconds: wait });
  }
  if (!(await verifyCaptcha(input.captcha))) {
    throw new UserError("captcha_failed", "Please complete the verification challenge again.", { field: "captcha" });
  }
  // Hash before looking the email up, so both branches cost the same.
  const passwordHash = await hashPassword(input.password);
  const existing = await findUserByEmail(input.email);
  if (existing) {
    await notifyExistingOwner(existing.email, existing.displayName ?? undefined, ctx);
    return { email: input.email };
  }
  try {
    await withTransaction(async (tx) => {
      const user = await insertUser(
        { email: input.email, passwordHash, displayName: input.displayName, termsAcceptedAt: new Date() },
        tx,
      );
      const token = await issueUserToken(user.id, "verify_email", { email: user.email, tx });
      await enqueueMail({ to: user.email, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name: input.displayName } }, tx);
      await recordAudit({ actor: { type: "user", id: user.id }, action: "user.registered", target: { type: "user", id: user.id }, result: "success", context: ctx }, tx);
    });
  } catch (e) {
    // Two registrations for one email at once: the loser behaves like the "already registered" branch.
    if (!isUniqueViolation(e)) throw e;
  }
  kickMailWorker();
  return { email: input.email };
}

async function notifyExistingOwner(email: string, name: string | undefined, ctx: RequestContext) {
  await enqueueMail({ to: email, template: "already-registered", data: { signInLink: publicLink("/login"), resetLink: publicLink("/forgot-password"), name } });
  await recordAudit({ actor: { type: "anonymous" }, action: "user.register_existing", target: { type: "email", id: email }, result: "failure", context: ctx });
  kickMailWorker();
}
