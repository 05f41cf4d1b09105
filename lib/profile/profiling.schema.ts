// Progressive profiling policy (per application): which custom attributes the application needs,
// whether the customer must answer (blocking) or may say "Not now" (skippable, asked again after
// `remindAfterDays`), and from which of their sign-ins to that application on. The decision of
// what to ask is a pure function of the policy and the user's state (profilingDecision), so the
// authorization endpoint pays one read for it, and none without a policy. No server-only imports.
import { z } from "zod";
import { ATTRIBUTE_NAME } from "./attributes.schema";

export const MAX_PROFILING_RULES = 20;
export const DEFAULT_REMIND_AFTER_DAYS = 30;
export const MAX_REMIND_AFTER_DAYS = 3650;
export const MAX_FROM_SIGN_IN = 1000;

export interface ProfilingRule {
  attribute: string;
  /** Blocking: the customer must answer to continue. Otherwise skippable ("Not now"). */
  blocking: boolean;
  /** Ask from this sign-in to the application on (1: always when missing). */
  fromSignIn: number;
}

export interface ProfilingPolicy {
  remindAfterDays: number;
  rules: ProfilingRule[];
}

export const profilingRuleSchema = z
  .object({
    attribute: z.string().regex(ATTRIBUTE_NAME, "Name an attribute by its identifier."),
    blocking: z.boolean(),
    fromSignIn: z.number().int().min(1).max(MAX_FROM_SIGN_IN),
  })
  .strict();

export const profilingPolicySchema = z
  .object({
    remindAfterDays: z.number().int().min(1).max(MAX_REMIND_AFTER_DAYS),
    rules: z.array(profilingRuleSchema).min(1).max(MAX_PROFILING_RULES, `At most ${MAX_PROFILING_RULES} attributes.`),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const r of p.rules) {
      if (seen.has(r.attribute)) ctx.addIssue({ code: "custom", message: `${r.attribute} is listed twice.` });
      seen.add(r.attribute);
    }
  });

/** A stored policy, or null (none, or a row that no longer parses: nothing is asked rather than every sign-in failing). */
export function profilingPolicyOf(value: unknown): ProfilingPolicy | null {
  if (value === null || value === undefined) return null;
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  const parsed = profilingPolicySchema.safeParse(v);
  return parsed.success ? parsed.data : null;
}

/**
 * The console's text form, one attribute a line: `attribute required|optional [from N]`, e.g.
 * `loyalty_tier required` or `newsletter optional from 3` (asked from the third sign-in on).
 * Empty text: no policy.
 */
export function parseProfilingLines(text: string, remindAfterDays: number): { ok: true; policy: ProfilingPolicy | null } | { ok: false; message: string; field?: string } {
  if (!Number.isInteger(remindAfterDays) || remindAfterDays < 1 || remindAfterDays > MAX_REMIND_AFTER_DAYS) {
    return { ok: false, message: `Enter a whole number of days from 1 to ${MAX_REMIND_AFTER_DAYS}.`, field: "remindAfterDays" };
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return { ok: true, policy: null };
  const rules: ProfilingRule[] = [];
  for (const [i, line] of lines.entries()) {
    const [attribute = "", mode = "", from, n, ...rest] = line.split(/\s+/);
    const fail = (message: string) => ({ ok: false as const, message: `Line ${i + 1}: ${message}` });
    if (mode !== "required" && mode !== "optional") return fail("say required or optional after the attribute.");
    if (rest.length || (from !== undefined && (from !== "from" || !n || !/^\d{1,4}$/.test(n)))) return fail("end the line with nothing, or with from and a sign-in number (from 3).");
    const parsed = profilingRuleSchema.safeParse({ attribute, blocking: mode === "required", fromSignIn: n ? Number(n) : 1 });
    if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? "invalid");
    rules.push(parsed.data);
  }
  const all = profilingPolicySchema.safeParse({ remindAfterDays, rules });
  return all.success ? { ok: true, policy: all.data } : { ok: false, message: all.error.issues[0]?.message ?? "invalid" };
}

export function profilingLines(policy: ProfilingPolicy | null): string {
  return (policy?.rules ?? []).map((r) => [r.attribute, r.blocking ? "required" : "optional", ...(r.fromSignIn > 1 ? ["from", String(r.fromSignIn)] : [])].join(" ")).join("\n");
}

/** What the authorization endpoint knows about the user, read in one statement when the application has a policy. */
export interface ProfilingState {
  /** The policy's attributes the user holds a value of. */
  answered: ReadonlySet<string>;
  /** The policy's attributes that still exist and the customer may write (the others cannot be asked). */
  askable: ReadonlySet<string>;
  /** When the user last said "Not now", by attribute (for this application). */
  skippedAt: ReadonlyMap<string, Date>;
  /** Authorizations completed with this application before this one. */
  signIns: number;
}

export interface ProfilingDecision {
  /** The attributes to ask, in the policy's order. */
  ask: ProfilingRule[];
  /** One of them must be answered to continue. */
  blocking: boolean;
}

/**
 * What to ask now (null: nothing). An attribute is asked when it is missing, can be asked, this is
 * at least its Nth sign-in to the application, and (skippable ones) it was not skipped within the
 * policy's reminder interval. A blocking attribute is never skipped.
 */
export function profilingDecision(policy: ProfilingPolicy | null, state: ProfilingState, now: Date): ProfilingDecision | null {
  if (!policy) return null;
  const windowMs = policy.remindAfterDays * 86_400_000;
  const thisSignIn = state.signIns + 1;
  const ask = policy.rules.filter((r) => {
    if (state.answered.has(r.attribute) || !state.askable.has(r.attribute) || thisSignIn < r.fromSignIn) return false;
    if (r.blocking) return true;
    const skipped = state.skippedAt.get(r.attribute);
    return !skipped || now.getTime() - skipped.getTime() >= windowMs;
  });
  return ask.length ? { ask, blocking: ask.some((r) => r.blocking) } : null;
}

/**
 * Whether the authorization counts toward the user's sign-ins to the application: whenever it has a
 * policy (so a "from the Nth sign-in" rule added later has the history since the policy was set),
 * never otherwise (no write for applications without one).
 */
export function countsSignIns(policy: ProfilingPolicy | null): boolean {
  return policy !== null;
}
