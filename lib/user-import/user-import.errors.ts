// Typed errors of imports and exports; the console shows their messages beside the form's field.
import { DomainError } from "@/lib/errors";

export type UserImportErrorCode =
  /** Above MAX_IMPORT_BYTES. */
  | "too_large"
  /** Not UTF-8, not CSV/JSON, no rows, unknown columns. */
  | "invalid_file"
  /** No such import or export. */
  | "not_found"
  /** The export is not done yet (or gave up). */
  | "not_ready";

export class UserImportError extends DomainError<UserImportErrorCode> {
  override readonly name = "UserImportError";
  override readonly shownToUser = true;
}
