// Which two-step rule applies to a sign-in into an application: its own setting, or the global
// MFA_POLICY for applications left on "default". off: the password is enough; optional: people
// without a second factor are offered one after signing in (at most weekly, skippable); required:
// every sign-in has two factors, and people without one set it up before they get in.
import "server-only";
import { config } from "@/lib/config";

export type MfaPolicy = "off" | "optional" | "required";

export function effectiveMfaPolicy(client: { mfaPolicy: string }): MfaPolicy {
  const own = client.mfaPolicy;
  return own === "off" || own === "optional" || own === "required" ? own : config().MFA_POLICY;
}
