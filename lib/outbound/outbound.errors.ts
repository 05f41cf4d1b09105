// Typed outbound errors with stable codes (docs/architecture.md, "A request": domain errors). Only caller mistakes are thrown;
// delivery failures are stored on the row and retried.
import { DomainError } from "@/lib/errors";

export type OutboundErrorCode = "outbound.invalid_kind" | "outbound.invalid_url" | "outbound.invalid_content_type" | "outbound.body_too_large" | "outbound.invalid_header";

export class OutboundError extends DomainError<OutboundErrorCode> {
  override readonly name = "OutboundError";
  constructor(code: OutboundErrorCode, message: string) {
    super(code, message);
  }
}
