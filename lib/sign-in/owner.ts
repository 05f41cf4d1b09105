// Who is signing in, as the mails of the second step address them: null when the account is gone
// or disabled (lib/users decides), which ends the sign-in.
import "server-only";
import type { MfaUser } from "@/lib/factors";
import { getUserClaims } from "@/lib/users";

export async function signInOwner(userId: string): Promise<MfaUser | null> {
  const u = await getUserClaims(userId);
  return u && { id: u.id, email: u.email, displayName: u.displayName };
}
