// Typed errors with stable codes; the http layer maps them to form messages or problem details.
import { DomainError } from "@/lib/errors";

export type LegalErrorCode = "not_found" | "invalid_input" | "not_current";

export class LegalError extends DomainError<LegalErrorCode> {
  override readonly name = "LegalError";
  override readonly shownToUser = true;
}
