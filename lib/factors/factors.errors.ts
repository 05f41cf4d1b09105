// Typed errors of the second-factor domain, with stable codes the pages map to messages.
export type MfaErrorCode = "invalid_code" | "expired" | "too_many_attempts" | "not_found" | "passkey_refused" | "send_failed" | "email_unverified";

export class MfaError extends Error {
  constructor(
    readonly code: MfaErrorCode,
    message: string,
    /** For a form: which field the message belongs to. */
    readonly field?: "code" | "name" | "phone",
  ) {
    super(message);
    this.name = "MfaError";
  }
}
