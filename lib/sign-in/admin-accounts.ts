// The console's actions on a customer that end sessions: disabling an account (lib/users refuses
// sign-in from then on; here every session, trusted browser and grant goes, as in every recovery)
// and signing an account out everywhere. The permission is checked by lib/users against the
// customer (segment scopes) before anything changes.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { adminActor, assertAdminMaySignOut, disableAccount, mailAdminChange, type Actor } from "@/lib/users";
import { signOutEverywhere, type SignedOutEverywhere } from "./sign-out-everywhere";

/** users:write. Disabled, then signed out everywhere (sessions, trusted browsers, refresh tokens and grants). */
export async function disableAndSignOut(actor: Actor, userId: string, ctx: RequestContext): Promise<SignedOutEverywhere> {
  await disableAccount(actor, userId, ctx);
  return signOutEverywhere(userId, "disabled_by_admin", ctx);
}

/** users:write. Every session and grant of the customer ends (not one's own account: sign out from the portal); the owner is mailed. */
export async function signOutEverywhereByAdmin(actor: Actor, userId: string, ctx: RequestContext): Promise<SignedOutEverywhere> {
  const user = await assertAdminMaySignOut(actor, userId);
  return signOutEverywhere(userId, "administrator", ctx, new Date(), { actor: adminActor(actor), alsoIn: (tx) => mailAdminChange(user, "signed_out", tx) });
}
