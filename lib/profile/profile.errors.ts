// Typed errors with stable codes; the http layer maps them to form messages or problem details.
import { DomainError } from "@/lib/errors";

export type ProfileErrorCode = "not_found" | "invalid_definition" | "invalid_attributes" | "name_taken" | "in_use";

export class ProfileError extends DomainError<ProfileErrorCode> {
  override readonly name = "ProfileError";
  override readonly shownToUser = true;
}
