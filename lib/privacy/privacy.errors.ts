// Typed errors with stable codes; the http layer maps them to a form message (the request) or to
// an error page with its status (the download: privacy.errors' DOWNLOAD_STATUS).
import { DomainError } from "@/lib/errors";

export type DataExportErrorCode =
  /** One export is being prepared already: one at a time per account. */
  | "export_pending"
  /** More exports asked for today than the daily allowance. */
  | "rate_limited"
  /** The account is gone or closed. */
  | "account_unavailable"
  /** The link names no export, or its token does not match. */
  | "not_found"
  /** The link is for another account than the one signed in. */
  | "not_owner"
  /** Still being prepared. */
  | "not_ready"
  /** The archive could not be prepared (given up after its retries). */
  | "failed"
  /** Past its download window; the archive is gone or about to be. */
  | "expired";

export class DataExportError extends DomainError<DataExportErrorCode> {
  override readonly name = "DataExportError";
  override readonly shownToUser = true;
  constructor(
    code: DataExportErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
