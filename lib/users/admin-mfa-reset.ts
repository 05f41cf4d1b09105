// Recovery of last resort: a user who lost every second factor (and their recovery codes) asks
// support, who checks who they are outside Portico and turns two-step verification off. Only an
// administrator may, checked here; lib/factors removes everything and mails the owner.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { resetSecondFactors } from "@/lib/factors";
import type { Actor } from "./permissions";
import { adminTarget, refuseOwnAccount } from "./admin-target";

/** users:reset_factors, for this customer (segment scopes). Not one's own account: an administrator's factors are what guard the console. */
export async function adminResetSecondFactors(actor: Actor, userId: string, ctx: RequestContext): Promise<{ removed: number }> {
  const user = await adminTarget(actor, "users:reset_factors", userId);
  refuseOwnAccount(actor, user.id, "reset the second factors of");
  return resetSecondFactors({ id: user.id, email: user.email, displayName: user.displayName }, { type: "user", id: actor.id }, ctx);
}
