// Typed errors of the risk domain, with stable codes.
export type RiskErrorCode = "denied" | "forbidden" | "invalid_input" | "not_found" | "conflict";

export class RiskError extends Error {
  constructor(
    readonly code: RiskErrorCode,
    message: string,
    /** For a form: which field the message belongs to. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "RiskError";
  }
}

/** What a refused sign-in is told: never why (a deny list or a rule must not be probed). */
export const DENIED_MESSAGE = "We could not sign you in. If this keeps happening, contact support.";
