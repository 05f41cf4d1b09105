// The authorization endpoint's side of progressive profiling: what an application's policy asks of
// a user now. Without a policy nothing is read (it comes with the application row); with one, ONE
// statement reads the user's state (lib/oidc/profiling.repo.ts), and a pure function decides.
import "server-only";
import type { ApplicationDto } from "@/lib/applications";
import { profilingDecision, purposesOfPolicy, type ProfilingDecision, type ProfilingPolicy, type ProfilingState } from "@/lib/profile/profiling.schema";
import { findProfilingState } from "./profiling.repo";

/** The user's state for a policy: ONE statement (lib/oidc/profiling.repo.ts). */
export async function profilingStateOf(userId: string, clientId: string, policy: ProfilingPolicy): Promise<ProfilingState | null> {
  const row = await findProfilingState(userId, clientId, policy.rules.map((r) => r.attribute), purposesOfPolicy(policy));
  if (!row) return null;
  return {
    answered: new Set(row.answered),
    askable: new Set(row.askable),
    skippedAt: new Map(Object.entries(row.skipped).map(([k, ms]) => [k, new Date(Number(ms))])),
    signIns: row.signIns,
    purposes: new Map(
      Object.entries(row.purposes).map(([key, p]) => [key, { current: Number(p.current), decision: p.status && p.version !== null ? { status: p.status, version: Number(p.version) } : null }]),
    ),
  };
}

/**
 * What the application's policy asks of this user now, for an authorization requesting `scopes`;
 * null when nothing (and, without a policy, without reading anything: the policy comes with the
 * application row).
 */
export async function profilingOutcome(client: ApplicationDto, userId: string, now: Date, scopes: readonly string[]): Promise<ProfilingDecision | null> {
  const policy = client.profilingPolicy;
  if (!policy) return null;
  const state = await profilingStateOf(userId, client.clientId, policy);
  return state ? profilingDecision(policy, state, now, new Set(scopes)) : null;
}

