// Progressive profiling policy (per application): which custom attributes the application needs,
// when to ask for each (from the Nth sign-in, at registration, when the authorization requests a
// scope, or once the customer consents to a purpose), whether the customer must answer (blocking) or
// may say "Not now" (skippable, asked again after `remindAfterDays`), and which consent purposes to
// offer on the same page. What to ask is a pure function of the policy, the request's scopes and the
// user's state (profilingDecision), so the authorization endpoint pays one read for it, and none
// without a policy. No server-only imports.
import { z } from "zod";
import { ATTRIBUTE_NAME } from "./attributes.schema";
import { jsonColumn } from "@/lib/formats";

export const MAX_PROFILING_RULES = 20;
export const MAX_PROFILING_PURPOSES = 10;
export const DEFAULT_REMIND_AFTER_DAYS = 30;
export const MAX_REMIND_AFTER_DAYS = 3650;
export const MAX_FROM_SIGN_IN = 1000;

/** A purpose's key (lib/consents purposeKeySchema; repeated here to keep this module free of server code). */
const PURPOSE_KEY = /^[a-z][a-z0-9_.-]{1,63}$/;
/** An OAuth scope token (RFC 6749 §3.3: NQCHAR, no spaces or quotes). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

/** When an attribute is asked (while it is missing). */
export type ProfilingTrigger =
  /** From the customer's Nth sign-in to the application on (1: always). */
  | { on: "sign_in"; from: number }
  /** At the customer's first sign-in to the application, the one that ends their registration; a skipped one is not asked again. */
  | { on: "registration" }
  /** When the authorization requests this scope. */
  | { on: "scope"; scope: string }
  /** Once the customer has given consent to this purpose (the data it needs). */
  | { on: "purpose"; purpose: string };

export interface ProfilingRule {
  attribute: string;
  /** Blocking: the customer must answer to continue. Otherwise skippable ("Not now"). */
  blocking: boolean;
  when: ProfilingTrigger;
}

export interface ProfilingPolicy {
  remindAfterDays: number;
  rules: ProfilingRule[];
  /**
   * Consent purposes offered on the same page, by key: asked while the customer has not decided
   * about the purpose's current text. Never blocking: consent a service depends on is not freely
   * given (GDPR art. 7(4)).
   */
  purposes: string[];
}

/** The key a skipped consent question is remembered under (beside attribute names, which have no ':'). */
export const purposeQuestionKey = (purpose: string) => `purpose:${purpose}`;

const triggerSchema = z.discriminatedUnion("on", [
  z.object({ on: z.literal("sign_in"), from: z.number().int().min(1).max(MAX_FROM_SIGN_IN) }).strict(),
  z.object({ on: z.literal("registration") }).strict(),
  z.object({ on: z.literal("scope"), scope: z.string().regex(SCOPE_TOKEN, "Name a scope.") }).strict(),
  z.object({ on: z.literal("purpose"), purpose: z.string().regex(PURPOSE_KEY, "Name a purpose by its key.") }).strict(),
]);

export const profilingRuleSchema = z.preprocess(
  // Policies stored before triggers had `fromSignIn` only.
  (v) => (v && typeof v === "object" && "fromSignIn" in v && !("when" in v) ? (({ fromSignIn, ...rest }) => ({ ...rest, when: { on: "sign_in", from: fromSignIn } }))(v as { fromSignIn: unknown }) : v),
  z
    .object({
      attribute: z.string().regex(ATTRIBUTE_NAME, "Name an attribute by its identifier."),
      blocking: z.boolean(),
      when: triggerSchema,
    })
    .strict(),
);

export const profilingPolicySchema = z
  .object({
    remindAfterDays: z.number().int().min(1).max(MAX_REMIND_AFTER_DAYS),
    rules: z.array(profilingRuleSchema).max(MAX_PROFILING_RULES, `At most ${MAX_PROFILING_RULES} attributes.`),
    purposes: z.array(z.string().regex(PURPOSE_KEY, "Name a purpose by its key.")).max(MAX_PROFILING_PURPOSES, `At most ${MAX_PROFILING_PURPOSES} purposes.`).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.rules.length === 0 && p.purposes.length === 0) ctx.addIssue({ code: "custom", message: "Name at least one attribute or purpose." });
    const seen = new Set<string>();
    for (const name of [...p.rules.map((r) => r.attribute), ...p.purposes.map(purposeQuestionKey)]) {
      if (seen.has(name)) ctx.addIssue({ code: "custom", message: `${name.replace(/^purpose:/, "purpose ")} is listed twice.` });
      seen.add(name);
    }
  });

/** A stored policy, or null (none, or a row that no longer parses: nothing is asked rather than every sign-in failing). */
export function profilingPolicyOf(value: unknown): ProfilingPolicy | null {
  if (value === null || value === undefined) return null;
  const parsed = profilingPolicySchema.safeParse(jsonColumn(value));
  return parsed.success ? parsed.data : null;
}

/** The purposes a policy reads the customer's decisions of: those it offers and those its rules wait for. */
export function purposesOfPolicy(policy: ProfilingPolicy): string[] {
  return [...new Set([...policy.purposes, ...policy.rules.flatMap((r) => (r.when.on === "purpose" ? [r.when.purpose] : []))])];
}

function triggerWords(when: ProfilingTrigger): string[] {
  switch (when.on) {
    case "sign_in":
      return when.from > 1 ? ["from", String(when.from)] : [];
    case "registration":
      return ["at", "registration"];
    case "scope":
      return ["with", "scope", when.scope];
    case "purpose":
      return ["for", "purpose", when.purpose];
  }
}

function triggerOf(words: string[]): ProfilingTrigger | string {
  const [a, b, c, ...rest] = words;
  if (a === undefined) return { on: "sign_in", from: 1 };
  if (a === "from" && b !== undefined && /^\d{1,4}$/.test(b) && c === undefined) return { on: "sign_in", from: Number(b) };
  if (a === "at" && b === "registration" && c === undefined) return { on: "registration" };
  if (a === "with" && b === "scope" && c !== undefined && rest.length === 0) return { on: "scope", scope: c };
  if (a === "for" && b === "purpose" && c !== undefined && rest.length === 0) return { on: "purpose", purpose: c };
  return "end the line with nothing, from N (the Nth sign-in), at registration, with scope S, or for purpose P.";
}

/**
 * The console's text form, one question a line:
 * - `attribute required|optional [from N | at registration | with scope S | for purpose P]`,
 *   e.g. `loyalty_tier required`, `newsletter optional from 3`, `company required with scope b2b`;
 * - `purpose P`: offer consent to purpose P on the same page.
 * Empty text: no policy.
 */
export function parseProfilingLines(text: string, remindAfterDays: number): { ok: true; policy: ProfilingPolicy | null } | { ok: false; message: string; field?: string } {
  if (!Number.isInteger(remindAfterDays) || remindAfterDays < 1 || remindAfterDays > MAX_REMIND_AFTER_DAYS) {
    return { ok: false, message: `Enter a whole number of days from 1 to ${MAX_REMIND_AFTER_DAYS}.`, field: "remindAfterDays" };
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return { ok: true, policy: null };
  const rules: ProfilingRule[] = [];
  const purposes: string[] = [];
  for (const [i, line] of lines.entries()) {
    const [first = "", mode = "", ...words] = line.split(/\s+/);
    const fail = (message: string) => ({ ok: false as const, message: `Line ${i + 1}: ${message}` });
    if (first === "purpose") {
      if (words.length) return fail("name one purpose after purpose (purpose marketing_emails).");
      if (!PURPOSE_KEY.test(mode)) return fail("name a purpose by its key (purpose marketing_emails).");
      purposes.push(mode);
      continue;
    }
    if (mode !== "required" && mode !== "optional") return fail("say required or optional after the attribute.");
    const when = triggerOf(words);
    if (typeof when === "string") return fail(when);
    const parsed = profilingRuleSchema.safeParse({ attribute: first, blocking: mode === "required", when });
    if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? "invalid");
    rules.push(parsed.data);
  }
  const all = profilingPolicySchema.safeParse({ remindAfterDays, rules, purposes });
  return all.success ? { ok: true, policy: all.data } : { ok: false, message: all.error.issues[0]?.message ?? "invalid" };
}

export function profilingLines(policy: ProfilingPolicy | null): string {
  if (!policy) return "";
  return [...policy.rules.map((r) => [r.attribute, r.blocking ? "required" : "optional", ...triggerWords(r.when)].join(" ")), ...policy.purposes.map((p) => `purpose ${p}`)].join("\n");
}

/** One rule in a word, for the audit trail: `loyalty_tier:required`, `company:optional@scope:b2b`. */
export function ruleSummary(r: ProfilingRule): string {
  const when = r.when.on === "sign_in" ? (r.when.from > 1 ? `@${r.when.from}` : "") : r.when.on === "registration" ? "@registration" : r.when.on === "scope" ? `@scope:${r.when.scope}` : `@purpose:${r.when.purpose}`;
  return `${r.attribute}:${r.blocking ? "required" : "optional"}${when}`;
}

/** A purpose as the customer's state knows it: its current text's version and their decision, if any. */
export interface PurposeState {
  current: number;
  decision: { status: "given" | "withdrawn"; version: number } | null;
}

/** What the authorization endpoint knows about the user, read in one statement when the application has a policy. */
export interface ProfilingState {
  /** The policy's attributes the user holds a value of. */
  answered: ReadonlySet<string>;
  /** The policy's attributes that still exist and the customer may write (the others cannot be asked). */
  askable: ReadonlySet<string>;
  /** When the user last said "Not now", by attribute or purposeQuestionKey (for this application). */
  skippedAt: ReadonlyMap<string, Date>;
  /** Authorizations completed with this application before this one. */
  signIns: number;
  /** The policy's purposes that exist and are based on consent (the others are never asked nor waited for). */
  purposes: ReadonlyMap<string, PurposeState>;
}

export interface ProfilingDecision {
  /** The attributes to ask, in the policy's order. */
  ask: ProfilingRule[];
  /** The purposes to offer, by key, in the policy's order. */
  offer: string[];
  /** Those of them the customer consented to in an earlier text. */
  renewals: string[];
  /** One of the attributes must be answered to continue. */
  blocking: boolean;
}

function triggered(when: ProfilingTrigger, state: ProfilingState, scopes: ReadonlySet<string>): boolean {
  switch (when.on) {
    case "sign_in":
      return state.signIns + 1 >= when.from;
    case "registration":
      return state.signIns === 0;
    case "scope":
      return scopes.has(when.scope);
    case "purpose":
      return state.purposes.get(when.purpose)?.decision?.status === "given";
  }
}

/**
 * What to ask now (null: nothing), for an authorization requesting `scopes`. An attribute is asked
 * when it is missing, can be asked, its trigger holds, and (skippable ones) it was not skipped
 * within the policy's reminder interval; at registration, a skipped one is not asked again (that
 * moment has passed). A blocking attribute is never skipped. A purpose is offered while the
 * customer has not decided about it, or gave consent to an older text; a withdrawal is a decision
 * and is not asked about again.
 */
export function profilingDecision(policy: ProfilingPolicy | null, state: ProfilingState, now: Date, scopes: ReadonlySet<string> = new Set()): ProfilingDecision | null {
  if (!policy) return null;
  const windowMs = policy.remindAfterDays * 86_400_000;
  const due = (key: string) => {
    const skipped = state.skippedAt.get(key);
    return !skipped || now.getTime() - skipped.getTime() >= windowMs;
  };
  const ask = policy.rules.filter((r) => {
    if (state.answered.has(r.attribute) || !state.askable.has(r.attribute) || !triggered(r.when, state, scopes)) return false;
    return r.blocking || due(r.attribute);
  });
  const offer = policy.purposes.filter((key) => {
    const purpose = state.purposes.get(key);
    if (!purpose) return false;
    const { decision } = purpose;
    const undecided = !decision || (decision.status === "given" && decision.version < purpose.current);
    return undecided && due(purposeQuestionKey(key));
  });
  const renewals = offer.filter((key) => state.purposes.get(key)?.decision?.status === "given");
  return ask.length || offer.length ? { ask, offer, renewals, blocking: ask.some((r) => r.blocking) } : null;
}

/**
 * Whether the authorization counts toward the user's sign-ins to the application: whenever it has a
 * policy (so a "from the Nth sign-in" rule added later has the history since the policy was set),
 * never otherwise (no write for applications without one).
 */
export function countsSignIns(policy: ProfilingPolicy | null): boolean {
  return policy !== null;
}
