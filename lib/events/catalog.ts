// The identity events Portico emits, and what each carries. `data` names what changed (field
// names, ids, versions), never the personal values themselves: a subscriber that needs the new
// value reads it through an API it is entitled to, so an event stream leaks nothing.
// Each type has a schema version (EVENT_VERSIONS): a change a subscriber could trip over (a member
// removed, renamed or retyped) is a new version; an added optional member is not. The JSON Schema
// of every type is in schemas.ts, and docs/events.md describes them.
export interface IdentityEventData {
  /** An account came into being; `source` says how. */
  "user.created": { source: "registration" | "admin" | "invitation" | "scim" | "import" | "federation" };
  /** The customer, an administrator or a provisioning client changed the profile; `fields` are the claim names (`email` when the sign-in address changed). */
  "user.profile_updated": { fields: string[] };
  /** The account was disabled (it cannot sign in; its sessions ended). */
  "user.disabled": { by: "admin" | "scim" };
  "user.enabled": { by: "admin" | "scim" };
  /** The sign-in address was proved. */
  "user.email_verified": Record<string, never>;
  /** The password was set or changed; `method` says how. */
  "user.password_changed": { method: "change" | "reset" | "admin" | "scim" };
  /** A sign-in factor was added or removed (`kind`: totp, passkey, sms, recovery_codes). */
  "user.factor_added": { kind: string; factorId?: string };
  "user.factor_removed": { kind: string; factorId?: string };
  /** A sign-in succeeded: the methods used (OIDC `amr` values) and the application, if one asked. */
  "user.signed_in": { amr: string[]; clientId?: string };
  /** A sign-in to this existing account failed; `reason` is a code, never the password tried. */
  "user.sign_in_failed": { reason: string };
  /** The account was locked against sign-in (too many failures, or the risk engine). */
  "user.locked": { reason: string; until?: string };
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
  /** The person joined or left a group. */
  "group.membership_changed": { groupId: string; change: "added" | "removed" };
  /** An application role was given to or taken from the person directly (`userId`) or from a group (`groupId`, no `userId`). */
  "role.assigned": { clientId: string; role: string; groupId?: string };
  "role.unassigned": { clientId: string; role: string; groupId?: string };
  /** An application was registered, or its settings changed (`fields`). Not about a person: no `userId`. */
  "application.created": { clientId: string };
  "application.updated": { clientId: string; fields: string[] };
  /** The risk engine scored a sign-in high (lib/risk): the assessment, its score, band and the action taken. */
  "risk.alert": { assessmentId: string; score: number; band: string; action: string };
}

export type IdentityEventType = keyof IdentityEventData;

/** The schema version of each type's `data` (see above). */
export const EVENT_VERSIONS = {
  "user.created": 1,
  "user.profile_updated": 1,
  "user.disabled": 1,
  "user.enabled": 1,
  "user.email_verified": 1,
  "user.password_changed": 1,
  "user.factor_added": 1,
  "user.factor_removed": 1,
  "user.signed_in": 1,
  "user.sign_in_failed": 1,
  "user.locked": 1,
  "user.export_requested": 1,
  "user.deletion_requested": 1,
  "user.deletion_cancelled": 1,
  "user.preferences_updated": 1,
  "user.deleted": 1,
  "user.consent_given": 1,
  "user.consent_withdrawn": 1,
  "group.membership_changed": 1,
  "role.assigned": 1,
  "role.unassigned": 1,
  "application.created": 1,
  "application.updated": 1,
  "risk.alert": 1,
} as const satisfies Record<IdentityEventType, number>;

export const IDENTITY_EVENT_TYPES = Object.keys(EVENT_VERSIONS) as IdentityEventType[];

/** Types whose events are about no person (their `userId` is null). */
export const EVENTS_WITHOUT_PERSON: readonly IdentityEventType[] = ["application.created", "application.updated"];

export function isIdentityEventType(value: string): value is IdentityEventType {
  return Object.hasOwn(EVENT_VERSIONS, value);
}

/** One event as sinks receive it. */
export interface IdentityEvent<T extends IdentityEventType = IdentityEventType> {
  id: string;
  type: T;
  /** The person the event is about; null for an event about no person (an application's). */
  userId: string | null;
  occurredAt: Date;
  data: IdentityEventData[T];
}

/**
 * The JSON an event leaves Portico as (webhook bodies): the Standard Webhooks payload shape
 * (`type`, `timestamp`, `data`) plus the event's id, its schema version and the person it is about.
 */
export interface EventEnvelope {
  id: string;
  type: IdentityEventType;
  version: number;
  timestamp: string;
  userId: string | null;
  data: object;
}

export function eventEnvelope(event: IdentityEvent): EventEnvelope {
  return { id: event.id, type: event.type, version: EVENT_VERSIONS[event.type], timestamp: event.occurredAt.toISOString(), userId: event.userId, data: event.data };
}
