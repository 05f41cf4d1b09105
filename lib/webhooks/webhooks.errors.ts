// Typed webhook errors with stable codes (docs/architecture.md, "A request": domain errors).
import { DomainError } from "@/lib/errors";

export type WebhookErrorCode = "invalid_input" | "not_found" | "read_only";

export class WebhookError extends DomainError<WebhookErrorCode> {
  override readonly name = "WebhookError";
  override readonly shownToUser = true;
}
