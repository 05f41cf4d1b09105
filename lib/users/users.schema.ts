// Input schemas shared by the hosted forms (client-side hints) and the server (authoritative).
// No server-only imports here: the browser bundles this file.
import { z } from "zod";
import { BASE64URL_256_BITS } from "@/lib/formats";

/** RFC 5321 §4.5.3.1.3 caps a path at 256 octets, so an address is at most 254 characters. */
export const EMAIL_MAX_LENGTH = 254;
export const DISPLAY_NAME_MAX_LENGTH = 100;
export const PASSWORD_INPUT_MAX_LENGTH = 512; // the policy stops at 128; this only bounds parsing work

// Control characters, zero-width characters and bidi overrides have no place in a name or address.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(EMAIL_MAX_LENGTH, `Use at most ${EMAIL_MAX_LENGTH} characters.`)
  .transform((v) => v.normalize("NFC").toLowerCase())
  .pipe(z.email("Enter a valid email address, like name@example.com."));

export const displayNameSchema = z
  .string()
  .trim()
  .max(DISPLAY_NAME_MAX_LENGTH, `Use at most ${DISPLAY_NAME_MAX_LENGTH} characters.`)
  .refine((v) => !UNSAFE_CHARS.test(v), "Remove invisible or control characters.")
  .transform((v) => v.normalize("NFC"))
  .optional()
  .transform((v) => (v ? v : undefined));

/** An address as accounts are keyed by it (what emailSchema does after its checks). */
export const normalizedEmail = (email: string) => email.trim().normalize("NFC").toLowerCase();

export const passwordInputSchema = z
  .string({ error: "Enter your password." })
  .min(1, "Enter your password.")
  .max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long.");

export const registrationSchema = z.object({
  email: emailSchema,
  password: passwordInputSchema,
  displayName: displayNameSchema,
  acceptTerms: z.literal("on", { error: "You must accept the terms to create an account." }),
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

export const loginSchema = z.object({
  email: emailSchema,
  password: passwordInputSchema,
});

export const forgotPasswordSchema = z.object({ email: emailSchema });

/** Tokens are 32 random bytes in base64url: exactly 43 characters. */
export const tokenSchema = z.string().regex(BASE64URL_256_BITS, "This link is invalid.");

export const resetPasswordSchema = z.object({
  token: tokenSchema,
  password: passwordInputSchema,
});

export const changeEmailSchema = z.object({
  newEmail: emailSchema,
  password: passwordInputSchema,
});

/** The security page's password change: the current password, and the new one typed twice. */
export const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password." }).min(1, "Enter your current password.").max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long."),
    newPassword: z.string({ error: "Enter a new password." }).min(1, "Enter a new password.").max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long."),
    confirmPassword: z.string({ error: "Type the new password again." }).max(PASSWORD_INPUT_MAX_LENGTH, "This password is too long."),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "This does not match the new password." });
