// Changing the sign-in email: re-authenticate with the password, then the new address must be
// verified again, and the old address is told (a hijacker changing the email is then noticed).
// A taken address gets the same answer as a free one (no enumeration), plus a mail to its owner.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { enqueueMail, kickMailWorker } from "@/lib/mail";
import { INVALID_CREDENTIALS_MESSAGE, UserError } from "./users.errors";
import { findUserByEmail, findUserById, isUniqueViolation, updateUser, withTransaction } from "./users.repo";
import { issueUserToken } from "./user-tokens";
import { publicLink } from "./links";
import { checkPasswordThrottled } from "./login";

export async function changeEmail(userId: string, input: { newEmail: string; password: string }, ctx: RequestContext): Promise<void> {
  const user = await findUserById(userId);
  const check = user ? await checkPasswordThrottled(user, input.password, ctx) : null;
  if (!user || !check?.ok) {
    await recordAudit({ actor: { type: "user", id: userId }, action: "user.email_change", target: { type: "user", id: userId }, result: "failure", context: ctx, details: { reason: "reauthentication_failed", failures: check?.failures } });
    throw new UserError("invalid_credentials", INVALID_CREDENTIALS_MESSAGE, { field: "password" });
  }
  if (input.newEmail === user.email) return;
  const name = user.displayName ?? undefined;
  const owner = await findUserByEmail(input.newEmail);
  if (owner) {
    await enqueueMail({ to: owner.email, template: "already-registered", data: { signInLink: publicLink("/login"), resetLink: publicLink("/forgot-password"), name: owner.displayName ?? undefined } });
    kickMailWorker();
    return;
  }
  try {
    await withTransaction(async (tx) => {
      await updateUser(user.id, { email: input.newEmail, emailVerifiedAt: null }, tx);
      const token = await issueUserToken(user.id, "verify_email", { email: input.newEmail, tx });
      await enqueueMail({ to: input.newEmail, template: "verify-email", data: { link: publicLink("/verify-email", { token }), name } }, tx);
      await enqueueMail({ to: user.email, template: "email-changed-notice", data: { newEmail: input.newEmail, name } }, tx);
      await recordAudit({ actor: { type: "user", id: user.id }, action: "user.email_changed", target: { type: "user", id: user.id }, result: "success", context: ctx, details: { from: user.email, to: input.newEmail } }, tx);
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e; // taken in the meantime: same silent answer as above
  }
  kickMailWorker();
}
