// Typed errors of the second-factor domain, with stable codes the pages map to messages.
import { DomainError } from "@/lib/errors";

export type MfaErrorCode = "invalid_code" | "expired" | "too_many_attempts" | "not_found" | "passkey_refused" | "send_failed" | "email_unverified";

export class MfaError extends DomainError<MfaErrorCode> {
  override readonly name = "MfaError";
  override readonly shownToUser = true;
  constructor(code: MfaErrorCode, message: string, field?: "code" | "name" | "phone") {
    super(code, message, field);
  }
}
