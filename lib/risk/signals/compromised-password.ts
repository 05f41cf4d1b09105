// A password known to attackers (a common one, or on an imported breach list) opens the account
// only after it is replaced: whoever typed it may not be the owner.
import type { Signal, SignInFacts } from "../risk.types";

export function compromisedPassword(facts: SignInFacts): Signal | null {
  if (!facts.compromisedPassword || facts.method !== "password") return null;
  return { code: "compromised_password", score: 0, reason: "the password is on a list of compromised passwords", requires: "reset_password" };
}
