// Whether a SCIM email value can be a sign-in address: SCIM emails are free text to the RFC
// (Entra's collection sends "emailName357"); a sign-in address passes the same schema as one typed
// at registration (lib/users emailSchema: trimmed, NFC, lower-cased, an address).
import { emailSchema } from "@/lib/users/users.schema";

export function normalizedEmailIfValid(value: string | null): string | null {
  if (!value) return null;
  const parsed = emailSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
