import { DomainError } from "@/lib/errors";

export class AnalyticsError extends DomainError<"invalid_input"> {
  override readonly name = "AnalyticsError";
  override readonly shownToUser = true;
  constructor(message: string, field: string) {
    super("invalid_input", message, field);
  }
}
