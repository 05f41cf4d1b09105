// Whether a SCIM email value can be a sign-in address: SCIM emails are free text to the RFC
// (Entra's collection sends "emailName357"); a sign-in address must be one mail can reach.
import { z } from "zod";

const address = z.string().max(254).email();

export function normalizedEmailIfValid(value: string | null): string | null {
  if (!value) return null;
  const normalized = value.trim().normalize("NFC").toLowerCase();
  return address.safeParse(normalized).success ? normalized : null;
}
