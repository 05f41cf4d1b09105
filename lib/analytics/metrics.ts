// What each audit event adds to the analytics counters: pure, so the rollup (rollup.ts) and its
// tests share one definition. An event that names its application is counted twice: under ""
// (every application) and under its client id, so filtering by application is one equality.

/** The columns of an audit event the rollup reads (details narrowed to the keys it uses). */
export type RollupEvent = {
  id: string;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetId: string | null;
  result: string;
  method: string | null;
  reason: string | null;
  band: string | null;
  decision: string | null;
  country: string | null;
  clientId: string | null;
  grant: string | null;
};

export type Increment = { metric: Metric; dimension: string; application: string };

export const METRICS = [
  "signin.succeeded",
  "signin.failed",
  "signin.throttled",
  "second_factor.succeeded",
  "second_factor.failed",
  "registration",
  "risk.decision",
  "signin.country",
  "signin.application",
  "tokens.issued",
  "active.daily",
  "active.monthly",
] as const;
export type Metric = (typeof METRICS)[number];

/** The registration funnel's stages, in order. */
export const FUNNEL_STAGES = ["started", "captcha_passed", "submitted", "verified"] as const;

/** Risk assessments of a sign-in (not a token refresh or single sign-on, which are no sign-ins). */
const SIGN_IN_METHODS = new Set(["password", "passkey", "federated"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const clean = (v: string | null, fallback: string) => (v && v.length <= 120 ? v : fallback);

/** A client id an event names (Application.clientId: 100 characters at most), or "". */
const applicationOf = (clientId: string | null) => (clientId && clientId.length <= 100 ? clientId : "");

/** The counter for every application, and for the event's own when it names one. */
function perApplication(e: RollupEvent, metric: Metric, dimension: string): Increment[] {
  const app = applicationOf(e.clientId);
  const row = { metric, dimension, application: "" };
  return app ? [row, { ...row, application: app }] : [row];
}

/** The counters an event adds one to. */
export function incrementsOf(e: RollupEvent): Increment[] {
  const all = (metric: Metric, dimension = "") => ({ metric, dimension, application: "" });
  switch (e.action) {
    // A sign-in for an application (one begun at its /authorize) names it (lib/users login).
    case "login.succeeded":
      return perApplication(e, "signin.succeeded", clean(e.method, "password"));
    case "login.failed":
      return perApplication(e, "signin.failed", clean(e.method, "password"));
    case "login.passkey_failed":
      return [all("signin.failed", "passkey")];
    case "login.throttled":
      return perApplication(e, "signin.throttled", clean(e.method, "password"));
    case "login.second_factor_succeeded":
      return [all("second_factor.succeeded", clean(e.method, "unknown"))];
    case "login.second_factor_failed":
      return [all("second_factor.failed", clean(e.method, "unknown"))];
    case "login.trusted_device":
      return [all("second_factor.succeeded", "trusted_device")];
    case "registration.attempted":
      return e.result === "success" ? [all("registration", "started"), all("registration", "captcha_passed")] : [all("registration", "started")];
    case "user.registered":
      return [all("registration", "submitted")];
    case "user.email_verified":
      return [all("registration", "verified")];
    case "oauth.tokens_issued":
      return perApplication({ ...e, clientId: e.targetId }, "tokens.issued", clean(e.grant, "unknown")); // its target is the client id
    case "risk.assessed":
      return riskIncrements(e);
    default:
      return [];
  }
}

function riskIncrements(e: RollupEvent): Increment[] {
  const app = applicationOf(e.clientId);
  const rows: Omit<Increment, "application">[] = [{ metric: "risk.decision", dimension: `${clean(e.band, "unknown")}:${clean(e.decision, "unknown")}` }];
  if (e.method && SIGN_IN_METHODS.has(e.method)) {
    rows.push({ metric: "signin.country", dimension: clean(e.country, "unknown") });
    rows.push({ metric: "signin.application", dimension: app || "(portal)" });
  }
  return rows.flatMap((r) => (app ? [{ ...r, application: "" }, { ...r, application: app }] : [{ ...r, application: "" }]));
}

/** The person an event shows active (a sign-in, a token refresh on their behalf), or null. */
export function activeUserOf(e: RollupEvent): string | null {
  if (e.actorType !== "user" || !e.actorId || !UUID.test(e.actorId)) return null;
  return e.action === "login.succeeded" || e.action === "oauth.tokens_refreshed" ? e.actorId : null;
}

/** The UTC hour an instant falls in. */
export function hourOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
}

export function utcDayOf(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function utcMonthOf(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
