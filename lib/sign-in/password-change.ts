// Changing the password while signed in: lib/users checks the current password (on the sign-in
// throttle) and the new one (the registration policy) and hashes it; then one transaction writes the
// hash, mails and audits it, and signs every other session out (sign-out-everywhere.ts's variant:
// this session and the grants made in it stay). Whoever knew the old password is out; the owner
// stays signed in here.
import "server-only";
import type { RequestContext } from "@/lib/audit";
import { userAgentFamily } from "@/lib/formats";
import { kickOutbox } from "@/lib/outbox";
import { placeOfIp } from "@/lib/risk";
import { preparePasswordChange, recordPasswordChange, type Actor, type PasswordChangeInput } from "@/lib/users";
import { prepareOtherSessionsSignOut, signOutOtherSessionsIn, type SignedOutEverywhere } from "./sign-out-everywhere";
import { withTransaction } from "./sign-in.repo";

/** The signed-in owner and the session they act from (the one that stays). */
export interface OwnerSession {
  id: string;
  user: Actor;
}

export async function changePassword(session: OwnerSession, input: PasswordChangeInput, ctx: RequestContext, now = new Date()): Promise<SignedOutEverywhere> {
  const prepared = await preparePasswordChange(session.user, session.user.id, input, ctx);
  // Logout tokens are signed before the transaction (signing may read the key ring).
  const others = await prepareOtherSessionsSignOut(session.user.id, session.id, now);
  const notice = { device: userAgentFamily(ctx.userAgent), place: placeOfIp(ctx.ip) };
  const done = await withTransaction(async (tx) => {
    await recordPasswordChange(prepared, notice, ctx, tx, now);
    return signOutOtherSessionsIn(others, "password_changed", ctx, tx, now);
  });
  kickOutbox(); // the mail, and any back-channel logout
  return done;
}
