import { z } from "zod";

/**
 * An activity entry's id as it travels in a URL or a form: an audit event id (a positive bigint),
 * at most 18 digits so that it always fits PostgreSQL's bigint.
 */
export const activityIdSchema = z.string().regex(/^[1-9][0-9]{0,17}$/, "Unknown activity.");

export function isActivityCursor(value: string): boolean {
  return activityIdSchema.safeParse(value).success;
}
