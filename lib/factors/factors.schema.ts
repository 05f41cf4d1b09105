// Inputs of the second-factor domain, parsed before they reach the database or a comparison.
import { z } from "zod";

/** Factor ids are UUIDs: anything else is "not found", never a database error. */
export const factorIdSchema = z.uuid();

/** The second step's form: which method, and the code as typed (each checker normalises its own). */
export const secondStepInputSchema = z.object({
  method: z.enum(["totp", "email", "sms", "recovery"]).catch("totp"),
  code: z.string({ error: "Enter the code." }).trim().min(1, "Enter the code.").max(40, "That code is too long."),
});

// WebAuthn responses as @simplewebauthn/browser sends them (WebAuthn L3 §5.1 toJSON shapes). Only
// the shape is checked here; the library verifies the content.
const base64url = (max: number) => z.string().regex(/^[A-Za-z0-9_-]*$/, "Not base64url.").max(max);

const credentialBase = {
  id: base64url(1400).min(1),
  rawId: base64url(1400).min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.looseObject({}).default({}),
};

export const registrationResponseSchema = z.object({
  ...credentialBase,
  response: z.looseObject({
    clientDataJSON: base64url(8192),
    attestationObject: base64url(65536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
});

export const authenticationResponseSchema = z.object({
  ...credentialBase,
  response: z.looseObject({
    clientDataJSON: base64url(8192),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: base64url(256).optional(),
  }),
});

/** What the user calls a passkey ("Work laptop"), shown on the security page. */
export const passkeyNameSchema = z
  .string()
  .trim()
  .max(60, "Keep the name under 60 characters.")
  .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, "") || "Passkey");
