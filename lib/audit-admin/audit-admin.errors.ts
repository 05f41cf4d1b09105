// Typed errors of the console's audit log, with stable codes.
import { DomainError } from "@/lib/errors";

export type AuditAdminErrorCode = "invalid_input" | "not_found";

export class AuditAdminError extends DomainError<AuditAdminErrorCode> {
  override readonly name = "AuditAdminError";
  override readonly shownToUser = true;
  constructor(code: AuditAdminErrorCode, message: string, field?: string) {
    super(code, message, field);
  }
}
