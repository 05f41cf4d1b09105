// Typed errors of the risk domain, with stable codes.
import { DomainError } from "@/lib/errors";

export type RiskErrorCode = "denied" | "forbidden" | "invalid_input" | "not_found" | "conflict";

export class RiskError extends DomainError<RiskErrorCode> {
  override readonly name = "RiskError";
  override readonly shownToUser = true;
  constructor(code: RiskErrorCode, message: string, field?: string) {
    super(code, message, field);
  }
}

/** What a refused sign-in is told: never why (a deny list or a rule must not be probed). */
export const DENIED_MESSAGE = "We could not sign you in. If this keeps happening, contact support.";
