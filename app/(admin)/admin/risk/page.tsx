import type { Metadata } from "next";
import { CompromisedImportForm, IpEntriesForm, RiskSettingsForm, RuleForm } from "@/components/admin/risk-forms";
import { requireAdmin } from "@/lib/http";
import { compromisedPasswordCount, currentPolicy, FEATURE_TYPES, ipListEntries, listRecentAlerts } from "@/lib/risk";
import { addIpEntriesAction, deleteRuleAction, importCompromisedAction, removeIpEntryAction, ruleAction, saveSettingsAction } from "./actions";
import { smallButton, surface } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Risk" };
export const dynamic = "force-dynamic";

export default async function RiskPage() {
  const session = await requireAdmin("/admin/risk", { permission: "risk:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const [alerts, deny, allow, compromised, policy] = await Promise.all([
    listRecentAlerts(actor),
    ipListEntries(actor, "deny"),
    ipListEntries(actor, "allow"),
    compromisedPasswordCount(actor),
    currentPolicy(),
  ]);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Risk</h1>

      <section aria-labelledby="alerts" className={`${surface} mt-6 p-6`}>
        <h2 id="alerts" className="text-lg font-semibold">High-risk sign-ins (30 days)</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-sm" data-testid="risk-alerts">
            <thead className="text-slate-500">
              <tr>
                <th className="py-1 pr-4 font-medium">When (UTC)</th>
                <th className="py-1 pr-4 font-medium">Account</th>
                <th className="py-1 pr-4 font-medium">From</th>
                <th className="py-1 pr-4 font-medium">Score</th>
                <th className="py-1 pr-4 font-medium">Decision</th>
                <th className="py-1 font-medium">Why</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="py-1 pr-4 whitespace-nowrap">{a.at.toISOString().slice(0, 16).replace("T", " ")}</td>
                  <td className="py-1 pr-4">{a.email}</td>
                  <td className="py-1 pr-4">{[a.ip, a.place].filter(Boolean).join(" · ")}</td>
                  <td className="py-1 pr-4">{a.score}</td>
                  <td className="py-1 pr-4">{a.action} ({a.outcome})</td>
                  <td className="py-1">{a.explanation}</td>
                </tr>
              ))}
              {alerts.length === 0 ? (
                <tr>
                  <td colSpan={6} className="py-3 text-slate-500">No high-risk sign-ins.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="ip-lists" className={`${surface} mt-6 p-6 space-y-4`}>
        <h2 id="ip-lists" className="text-lg font-semibold">IP lists</h2>
        {[
          { name: "Deny list", entries: deny },
          { name: "Allow list", entries: allow },
        ].map(({ name, entries }) => (
          <div key={name}>
            <h3 className="font-medium">
              {name} ({entries.length})
            </h3>
            <ul className="mt-1 divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label={name}>
              {entries.slice(0, 200).map((e) => (
                <li key={e.id} className="flex items-center justify-between gap-3 py-1">
                  <span>
                    <code>{e.cidr}</code> {e.note ? <span className="text-slate-500">— {e.note}</span> : null}
                  </span>
                  <form action={removeIpEntryAction}>
                    <input type="hidden" name="id" value={e.id} />
                    <button type="submit" className={smallButton} aria-label={`Remove ${e.cidr}`}>
                      Remove
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <IpEntriesForm action={addIpEntriesAction} />
      </section>

      <section aria-labelledby="compromised" className={`${surface} mt-6 p-6 space-y-4`}>
        <h2 id="compromised" className="text-lg font-semibold">Compromised passwords</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {compromised.toLocaleString("en-US")} imported, besides the built-in list of common passwords. Signing in with one of them requires a password reset first.
        </p>
        <CompromisedImportForm action={importCompromisedAction} />
      </section>

      <section aria-labelledby="policy" className={`${surface} mt-6 p-6 space-y-4`}>
        <h2 id="policy" className="text-lg font-semibold">Policy {policy.settingsVersion ? <span className="text-sm font-normal text-slate-500">(version {policy.settingsVersion})</span> : null}</h2>
        <RiskSettingsForm action={saveSettingsAction} settings={policy.settings} />
      </section>

      <section aria-labelledby="rules" className={`${surface} mt-6 p-6 space-y-4`}>
        <h2 id="rules" className="text-lg font-semibold">Rules</h2>
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Published rules">
          {policy.rules.map((r) => (
            <li key={r.id} className="flex items-center justify-between gap-3 py-2">
              <span>
                <strong>{r.name}</strong> {r.enabled ? null : <em>(disabled)</em>} · {r.match === "all" ? "all of" : "any of"}{" "}
                {r.conditions.map((c) => `${c.feature} ${c.op} ${Array.isArray(c.value) ? c.value.join(", ") : String(c.value)}`).join("; ")} → {r.action}
                {r.clientId ? ` · only ${r.clientId}` : ""} · v{r.version}
              </span>
              <form action={deleteRuleAction}>
                <input type="hidden" name="id" value={r.id} />
                <input type="hidden" name="version" value={r.version} />
                <button type="submit" className={smallButton} aria-label={`Delete rule ${r.name}`}>
                  Delete
                </button>
              </form>
            </li>
          ))}
          {policy.rules.length === 0 ? <li className="py-2 text-slate-500">No rules: the score&apos;s bands decide alone.</li> : null}
        </ul>
        <RuleForm action={ruleAction} features={Object.keys(FEATURE_TYPES)} />
      </section>
    </>
  );
}
