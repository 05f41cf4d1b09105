// Typed errors with stable codes; the http layer maps them to form messages or problem details.
import { DomainError } from "@/lib/errors";

export type PreferenceErrorCode = "not_found" | "unknown_topic" | "unknown_channel" | "channel_not_offered" | "topic_exists" | "invalid_input";

export class PreferenceError extends DomainError<PreferenceErrorCode> {
  override readonly name = "PreferenceError";
  override readonly shownToUser = true;
}
