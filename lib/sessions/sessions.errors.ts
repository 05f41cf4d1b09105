// Typed errors of the sessions domain, with stable codes.
import { DomainError } from "@/lib/errors";

export type SessionErrorCode = "session_not_found";

export class SessionError extends DomainError<SessionErrorCode> {
  override readonly name = "SessionError";
  override readonly shownToUser = true;
}

/**
 * One answer for a session that is unknown, already ended, or someone else's: which ids exist is
 * nobody else's business.
 */
export const SESSION_NOT_FOUND_MESSAGE = "This session has already ended.";
