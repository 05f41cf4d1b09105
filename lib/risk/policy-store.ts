// The policy in force (thresholds, actions, rules), its changes (validated, versioned, audited)
// and the simulation of a rule over the recorded sign-ins of the last 30 days. Nodes cache the
// policy for 10 seconds; a change reaches every node at once when they share Redis (lib/process).
import "server-only";
import { isUuid } from "@/lib/formats";
import { processCache } from "@/lib/process";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { assertPermission } from "@/lib/users";
import { bandOf, decide } from "./policy";
import { riskRuleSchema, type Features, type RiskRule } from "./risk-rules.schema";
import { DEFAULT_RISK_SETTINGS, riskSettingsSchema, type RiskSettings } from "./risk-settings";
import { RiskError } from "./risk.errors";
import { assessmentsSince, findLiveRule, insertPolicyVersion, insertRule, latestPolicyVersion, listLiveRules, updateRule, withTransaction, type AssessmentRow } from "./risk.repo";
import type { RiskAction, Signal } from "./risk.types";

const CACHE_MS = 10_000;

export type StoredRule = RiskRule & { id: string; version: number };
type Actor = { id: string; roles: string[] };

type Policy = { settings: RiskSettings; settingsVersion: number | null; rules: StoredRule[] };

// Process-wide (lib/process): a change forgets it in every bundle of this node at once, and on the
// other nodes too when they share Redis; otherwise they see it within CACHE_MS.
const policyCache = processCache<Policy>("risk.policy", { ttlMs: CACHE_MS, load: loadPolicy });

/** The policy changed: forget it here and on every node. */
export function forgetPolicyCache(): void {
  policyCache.invalidate();
}

export function currentPolicy(): Promise<Policy> {
  return policyCache.get();
}

async function loadPolicy(): Promise<Policy> {
  const [latest, rows] = await Promise.all([latestPolicyVersion(), listLiveRules()]);
  const parsed = latest ? riskSettingsSchema.safeParse(latest.settings) : null;
  const rules: StoredRule[] = [];
  for (const row of rows) {
    const rule = riskRuleSchema.safeParse(row.definition);
    if (rule.success) rules.push({ ...rule.data, id: row.id, version: row.version });
    else console.warn(`[risk] rule ${row.id} no longer validates and is ignored: ${rule.error.issues[0]?.message}`);
  }
  return { settings: parsed?.success ? parsed.data : DEFAULT_RISK_SETTINGS, settingsVersion: latest?.version ?? null, rules };
}

function invalid(error: { issues: { path: PropertyKey[]; message: string }[] }): RiskError {
  const issue = error.issues[0]!;
  return new RiskError("invalid_input", issue.message, issue.path.map(String).join(".") || undefined);
}

export async function saveRiskSettings(actor: Actor, input: unknown, ctx: RequestContext): Promise<RiskSettings> {
  assertPermission(actor, "risk:write");
  const parsed = riskSettingsSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  await withTransaction(async (tx) => {
    const row = await insertPolicyVersion(parsed.data, actor.id, tx);
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "risk.policy_changed", target: { type: "risk_policy", id: String(row.version) }, result: "success", context: ctx, details: { settings: parsed.data } }, tx);
  });
  forgetPolicyCache();
  return parsed.data;
}

export async function createRiskRule(actor: Actor, input: unknown, ctx: RequestContext): Promise<StoredRule> {
  assertPermission(actor, "risk:write");
  const parsed = riskRuleSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const row = await withTransaction(async (tx) => {
    const rule = await insertRule(parsed.data, actor.id, tx);
    await recordAudit({ actor: { type: "user", id: actor.id }, action: "risk.rule_created", target: { type: "risk_rule", id: rule.id }, result: "success", context: ctx, details: { rule: parsed.data } }, tx);
    return rule;
  });
  forgetPolicyCache();
  return { ...parsed.data, id: row.id, version: row.version };
}

/** `expectedVersion`: the version the administrator edited; a newer one means someone else changed it. */
export async function updateRiskRule(actor: Actor, id: string, expectedVersion: number, input: unknown | null, ctx: RequestContext): Promise<void> {
  assertPermission(actor, "risk:write");
  const parsed = input === null ? null : riskRuleSchema.safeParse(input);
  if (parsed && !parsed.success) throw invalid(parsed.error);
  if (!isUuid(id)) throw new RiskError("not_found", "This rule no longer exists.");
  await withTransaction(async (tx) => {
    const current = await findLiveRule(id, tx);
    if (!current) throw new RiskError("not_found", "This rule no longer exists.");
    if (!(await updateRule(id, expectedVersion, parsed ? parsed.data : null, actor.id, new Date(), tx))) {
      throw new RiskError("conflict", "Someone else changed this rule meanwhile. Reload it and try again.");
    }
    await recordAudit(
      { actor: { type: "user", id: actor.id }, action: parsed ? "risk.rule_changed" : "risk.rule_deleted", target: { type: "risk_rule", id }, result: "success", context: ctx, details: { version: expectedVersion + 1, before: current.definition, after: parsed?.data ?? null } },
      tx,
    );
  });
  forgetPolicyCache();
}

// --- Simulation --------------------------------------------------------------------------------

export interface SimulationResult {
  days: number;
  total: number;
  /** Decisions under the policy in force, replayed, and with the candidate rule. */
  current: Record<RiskAction, number>;
  withRule: Record<RiskAction, number>;
  /** Sign-ins whose decision the rule changes. */
  changed: number;
  examples: { at: Date; userId: string; explanation: string; current: RiskAction; withRule: RiskAction }[];
}

const zeroCounts = (): Record<RiskAction, number> => ({ allow: 0, mfa: 0, strong_mfa: 0, reset_password: 0, lock: 0, deny: 0 });

function replay(row: AssessmentRow, rules: readonly (RiskRule & { id?: string })[], settings: RiskSettings): RiskAction {
  const signals = row.signals as unknown as Signal[];
  const features = row.features as unknown as Features;
  return decide(bandOf(row.score, settings), signals, { ...features, band: bandOf(row.score, settings) }, rules, settings).action;
}

/**
 * What `candidate` would have done to every sign-in of the last `days` days: each stored
 * assessment is decided again (its stored score, signals and features) under the policy in force,
 * and under the policy with the candidate added (or replacing the rule `replacing`).
 */
export async function simulateRiskRule(actor: Actor, candidate: unknown, opts: { replacing?: string; days?: number; now?: Date } = {}): Promise<SimulationResult> {
  assertPermission(actor, "risk:read");
  const parsed = riskRuleSchema.safeParse(candidate);
  if (!parsed.success) throw invalid(parsed.error);
  const days = opts.days ?? 30;
  const { settings, rules } = await currentPolicy();
  const withRule = [...rules.filter((r) => r.id !== opts.replacing), { ...parsed.data, id: "candidate" }];
  const result: SimulationResult = { days, total: 0, current: zeroCounts(), withRule: zeroCounts(), changed: 0, examples: [] };
  const since = new Date((opts.now ?? new Date()).getTime() - days * 24 * 3600_000);
  for await (const page of assessmentsSince(since)) {
    for (const row of page) {
      const before = replay(row, rules, settings);
      const after = replay(row, withRule, settings);
      result.total++;
      result.current[before]++;
      result.withRule[after]++;
      if (before !== after) {
        result.changed++;
        if (result.examples.length < 10) result.examples.push({ at: row.createdAt, userId: row.userId, explanation: row.explanation, current: before, withRule: after });
      }
    }
  }
  return result;
}
