// The risk engine's vocabulary. Everything here is plain data, so a decision can be stored with
// what it was made from and replayed later (simulation of a rule over past sign-ins).

export interface GeoPoint {
  /** ISO 3166-1 alpha-2. */
  country: string;
  city?: string;
  lat: number;
  lon: number;
}

/**
 * What is known about one sign-in when the risk engine looks at it (after the first factor), or
 * about a token refresh for high-value scopes ("refresh": the user is not there to ask).
 */
export interface SignInFacts {
  at: Date;
  /** sso: a signed-in browser authorizing an application without a new sign-in. */
  /** federated: an upstream identity provider vouched for the person (lib/federation). */
  method: "password" | "passkey" | "federated" | "refresh" | "sso";
  ip: string | null;
  geo: GeoPoint | null;
  /** The administrator's IP lists: which one the address is on, if any. */
  ipList: "deny" | "allow" | null;
  /** This browser (signed device cookie + user-agent family) signed in to this account before. */
  knownDevice: boolean;
  userAgentFamily: string;
  /** The account's last successful sign-in. */
  previous: { at: Date; geo: GeoPoint | null } | null;
  /** How many successful sign-ins the account has (the first one has nothing to compare with). */
  successCount: number;
  /** UTC time of day, in hours (0 to 24), of the account's recent successful sign-ins. */
  hourHistory: number[];
  /** Failed sign-ins in the last quarter hour. */
  failures: { account: number; ip: number; accountsFromIp: number };
  /** The password used is on the common-password blocklist or the imported compromised list. */
  compromisedPassword: boolean;
  /** A value the application attached to this sign-in (a payment, a transfer), if any. */
  transactionValue: number | null;
  clientId: string | null;
}

export type SignalCode =
  | "ip_denylisted"
  | "ip_allowlisted"
  | "impossible_travel"
  | "unusual_time"
  | "new_device"
  | "account_failures"
  | "ip_failures"
  | "credential_stuffing"
  | "compromised_password"
  | "transaction_value";

/**
 * Ordered from least to most severe: the decision is the most severe of the score's band and
 * every floor a signal or a rule sets.
 */
export const ACTIONS = ["allow", "mfa", "strong_mfa", "reset_password", "lock", "deny"] as const;
export type RiskAction = (typeof ACTIONS)[number];
export type RiskBand = "low" | "medium" | "high";

export interface Signal {
  code: SignalCode;
  /** Contribution to the score (negative for reassuring signals). */
  score: number;
  /** For people: "impossible travel from Madrid, ES to Tokyo, JP: 10,766 km in 40 min". */
  reason: string;
  /** A decision this signal needs whatever the score (a deny-listed address is denied). */
  requires?: RiskAction;
}

export const max = (a: RiskAction, b: RiskAction): RiskAction => (ACTIONS.indexOf(a) >= ACTIONS.indexOf(b) ? a : b);
