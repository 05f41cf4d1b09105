// The identity events Portico emits, and what each carries. `data` names what changed (field
// names, ids, versions), never the personal values themselves: a subscriber that needs the new
// value reads it through an API it is entitled to, so an event stream leaks nothing.
export interface IdentityEventData {
  /** The customer or an administrator changed the profile; `fields` are the claim names. */
  "user.profile_updated": { fields: string[] };
  /** A copy of the customer's data was asked for (GDPR art. 20). */
  "user.export_requested": { exportId: string };
  /** The account is closed and will be erased after the grace period (GDPR art. 17). */
  "user.deletion_requested": { eraseAfter: string };
  "user.deletion_cancelled": Record<string, never>;
  /** Communication preferences changed (lib/preferences): the topic/channel pairs whose choice changed; read the new choices with getPreferences. */
  "user.preferences_updated": { pairs: { topic: string; channel: string }[] };
  /** The account's personal data is gone; subscribers should erase their copies too. */
  "user.deleted": Record<string, never>;
  /** Consent to a processing purpose given (lib/consents): the purpose's key, the version of its text, the signed receipt, and the application that collected it, if one did. */
  "user.consent_given": { purpose: string; version: number; receiptId: string; collectorClientId?: string };
  /** Consent to a processing purpose withdrawn (GDPR art. 7(3)); same members. */
  "user.consent_withdrawn": { purpose: string; version: number; receiptId: string; collectorClientId?: string };
}

export type IdentityEventType = keyof IdentityEventData;

export const IDENTITY_EVENT_TYPES = ["user.profile_updated", "user.export_requested", "user.deletion_requested", "user.deletion_cancelled", "user.deleted", "user.consent_given", "user.consent_withdrawn", "user.preferences_updated"] as const satisfies readonly IdentityEventType[];

/** One event as sinks (and later webhooks) receive it. */
export interface IdentityEvent<T extends IdentityEventType = IdentityEventType> {
  id: string;
  type: T;
  /** The person the event is about. */
  userId: string;
  occurredAt: Date;
  data: IdentityEventData[T];
}
