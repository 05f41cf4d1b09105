// Typed errors of the console's group management, with stable codes; messages are written for the form.
import { DomainError } from "@/lib/errors";

export type GroupErrorCode =
  | "not_found"
  | "invalid_input"
  /** Another group has this name, ignoring case (the unique index on lower(displayName)). */
  | "name_taken"
  /** No account has this sign-in address. */
  | "no_account"
  /** Staff (anyone holding a console role) are never group members. */
  | "staff_account"
  | "already_member"
  | "not_member"
  /** The group holds roles of an application the administrator may not give roles of. */
  | "roles_not_yours"
  | "invalid_cursor";

export class GroupError extends DomainError<GroupErrorCode> {
  override readonly name = "GroupError";
  override readonly shownToUser = true;
}
