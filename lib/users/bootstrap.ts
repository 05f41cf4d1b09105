// First administrator from PORTICO_ADMIN_EMAIL / PORTICO_ADMIN_PASSWORD: created at start when no
// administrator exists; an existing account or administrator is never overwritten.
import "server-only";
import { emitIdentityEvent } from "@/lib/events";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/credentials";
import { countUsersWithRole, findUserByEmail, insertUser, withTransaction } from "./users.repo";
import { emailSchema } from "./users.schema";
import { ADMIN_ROLE } from "./permissions";

export type BootstrapResult = "created" | "admin_exists" | "email_taken" | "not_configured";

export async function ensureBootstrapAdmin(email: string | undefined, password: string | undefined): Promise<BootstrapResult> {
  if (!email || !password) return "not_configured";
  if ((await countUsersWithRole(ADMIN_ROLE)) > 0) return "admin_exists";
  const normalized = emailSchema.parse(email);
  if (await findUserByEmail(normalized)) return "email_taken";
  const passwordHash = await hashPassword(password);
  await withTransaction(async (tx) => {
    const user = await insertUser(
      { email: normalized, passwordHash, displayName: "Administrator", emailVerifiedAt: new Date(), termsAcceptedAt: new Date(), roles: [ADMIN_ROLE] },
      tx,
    );
    await recordAudit({ actor: { type: "system" }, action: "admin.bootstrapped", target: { type: "user", id: user.id }, result: "success" }, tx);
    await emitIdentityEvent({ type: "user.created", userId: user.id, data: { source: "admin" } }, tx);
  });
  return "created";
}
