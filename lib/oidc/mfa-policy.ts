// Which two-step rule applies to a sign-in into an application: its own setting, or the global
// MFA_POLICY for applications left on "default". off: the password is enough; optional: people
// without a second factor are offered one after signing in (at most weekly, skippable); required:
// every sign-in has two factors, and people without one set it up before they get in.
import "server-only";
import { config } from "@/lib/config";
import { findClientByClientId } from "@/lib/applications";
import { findInteraction } from "./oidc.repo";

export type MfaPolicy = "off" | "optional" | "required";

export function effectiveMfaPolicy(client: { mfaPolicy: string }): MfaPolicy {
  const own = client.mfaPolicy;
  return own === "off" || own === "optional" || own === "required" ? own : config().MFA_POLICY;
}

/**
 * Whether the application a sign-in continues to offers an emailed code as the second step even to
 * people with a stronger factor (its `emailCodeWithStrongFactor` setting, off by default). `next`
 * is the sign-in's continuation: `/oauth2/authorize?interaction=<id>` (the stored request names the
 * client) or, on older links, `/oauth2/authorize?client_id=...`. Anything else: no application, off.
 */
export async function emailCodeWithStrongFactorFor(next: string | undefined): Promise<boolean> {
  if (!next) return false;
  let url: URL;
  try {
    url = new URL(next, config().publicUrl);
  } catch {
    return false;
  }
  if (url.pathname !== "/oauth2/authorize") return false;
  const interactionId = url.searchParams.get("interaction");
  let clientId = url.searchParams.get("client_id");
  if (interactionId) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(interactionId)) return false;
    clientId = (await findInteraction(interactionId))?.clientId ?? null;
  }
  if (!clientId || clientId.length > 100) return false;
  const client = await findClientByClientId(clientId);
  return Boolean(client && !client.disabled && client.emailCodeWithStrongFactor);
}
