// Recovery of last resort: a user who lost every second factor (and their recovery codes) asks
// support, who checks who they are outside Portico and turns two-step verification off. Only an
// administrator may, checked here; lib/factors removes everything and mails the owner.
import "server-only";
import { isUuid } from "@/lib/formats";
import type { RequestContext } from "@/lib/audit";
import { resetSecondFactors } from "@/lib/factors";
import { assertPermission } from "./permissions";
import { UserError } from "./users.errors";
import { findUserById } from "./users.repo";


export async function adminResetSecondFactors(actor: { id: string; roles: string[] }, userId: string, ctx: RequestContext): Promise<{ removed: number }> {
  assertPermission(actor, "users:write");
  const user = isUuid(userId) ? await findUserById(userId) : null;
  if (!user) throw new UserError("not_found", "No such user.");
  return resetSecondFactors({ id: user.id, email: user.email, displayName: user.displayName }, { type: "user", id: actor.id }, ctx);
}
