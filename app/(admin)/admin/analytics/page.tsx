import type { Metadata } from "next";
import { BarChart } from "@/components/admin/charts/bar-chart";
import { LineChart } from "@/components/admin/charts/line-chart";
import { secondaryButton, surface, tableFrame } from "@/components/ui/styles";
import { AnalyticsError, getAnalytics, type AnalyticsReport } from "@/lib/analytics";
import { RANGE_PRESETS } from "@/lib/analytics/analytics.schema";
import { requireAdmin } from "@/lib/http";
import { refreshAnalyticsAction } from "./actions";

export const metadata: Metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

const PRESET_LABELS: Record<(typeof RANGE_PRESETS)[number], string> = { "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days", custom: "Custom (from, to)" };
const ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];
const FUNNEL_LABELS: Record<string, string> = { started: "Form submitted", captcha_passed: "CAPTCHA passed", submitted: "Account created", verified: "Address verified" };
const inputClass = "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-900";

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireAdmin("/admin/analytics", { permission: "analytics:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const raw = await searchParams;
  const query = { range: one(raw.range), from: one(raw.from), to: one(raw.to), tz: one(raw.tz), granularity: one(raw.granularity), application: one(raw.application) };
  let report: AnalyticsReport;
  let error: AnalyticsError | null = null;
  try {
    report = await getAnalytics(actor, query as Parameters<typeof getAnalytics>[1]);
  } catch (e) {
    if (!(e instanceof AnalyticsError)) throw e;
    error = e;
    report = await getAnalytics(actor, {});
  }
  const { tz, granularity } = report.range;
  const hourFormat = new Intl.DateTimeFormat("en-GB", { timeZone: tz, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const label = granularity === "hour" ? (l: string) => hourFormat.format(new Date(l)) : (l: string) => l;
  const errorFor = (field: string) => (error?.field === field ? error.message : undefined);
  const filtered = report.range.application !== null;
  const perApp = (key: string) => (filtered && !report.perApplication.includes(key) ? " (all applications)" : "");
  const adoptionLast = report.adoption.at(-1);
  const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : "—");

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Analytics</h1>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Counted from the audit trail by the janitor every 10 minutes
        {report.asOf ? `; last counted ${report.asOf.updatedAt.slice(0, 16).replace("T", " ")} UTC (events up to #${report.asOf.lastEventId})` : "; nothing counted yet"}.
      </p>
      <form action={refreshAnalyticsAction} className="mt-2">
        <button type="submit" className={secondaryButton}>Count new events now</button>
      </form>

      <form method="get" action="/admin/analytics" className={`${surface} mt-6 grid gap-4 p-4 sm:grid-cols-3 lg:grid-cols-6`} aria-label="Time range">
        <div className="space-y-1.5">
          <label htmlFor="range" className="block text-sm font-medium">Range</label>
          <select id="range" name="range" defaultValue={report.range.preset} className={inputClass} aria-invalid={errorFor("range") ? true : undefined}>
            {RANGE_PRESETS.map((p) => (
              <option key={p} value={p}>{PRESET_LABELS[p]}</option>
            ))}
          </select>
          {errorFor("range") ? <p role="alert" className="text-sm text-red-600">{errorFor("range")}</p> : null}
        </div>
        {(["from", "to"] as const).map((f) => (
          <div key={f} className="space-y-1.5">
            <label htmlFor={f} className="block text-sm font-medium">{f === "from" ? "From (custom)" : "To (custom, inclusive)"}</label>
            <input id={f} name={f} type="date" defaultValue={query[f]} className={inputClass} aria-invalid={errorFor(f) ? true : undefined} aria-describedby={errorFor(f) ? `${f}-error` : undefined} />
            {errorFor(f) ? <p id={`${f}-error`} role="alert" className="text-sm text-red-600">{errorFor(f)}</p> : null}
          </div>
        ))}
        <div className="space-y-1.5">
          <label htmlFor="tz" className="block text-sm font-medium">Time zone</label>
          <input id="tz" name="tz" list="zones" defaultValue={query.tz ?? tz} maxLength={64} className={inputClass} aria-invalid={errorFor("tz") ? true : undefined} aria-describedby={errorFor("tz") ? "tz-error" : undefined} />
          <datalist id="zones">
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {errorFor("tz") ? <p id="tz-error" role="alert" className="text-sm text-red-600">{errorFor("tz")}</p> : null}
        </div>
        <div className="space-y-1.5">
          <label htmlFor="granularity" className="block text-sm font-medium">Per</label>
          <select id="granularity" name="granularity" defaultValue={query.granularity ?? ""} className={inputClass} aria-invalid={errorFor("granularity") ? true : undefined}>
            <option value="">Automatic</option>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
          </select>
          {errorFor("granularity") ? <p role="alert" className="text-sm text-red-600">{errorFor("granularity")}</p> : null}
        </div>
        <div className="space-y-1.5">
          <label htmlFor="application" className="block text-sm font-medium">Application</label>
          <select id="application" name="application" defaultValue={report.range.application ?? ""} className={inputClass}>
            <option value="">All applications</option>
            {[...new Set([...(report.range.application ? [report.range.application] : []), ...report.applications.map((a) => a.name).filter((n) => n !== "(portal)")])].map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-3 lg:col-span-6">
          <button type="submit" className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">Show</button>
          <span className="ml-3 text-sm text-slate-500">
            {report.range.from.slice(0, 16).replace("T", " ")} to {report.range.to.slice(0, 16).replace("T", " ")} UTC, shown in {tz}
            {granularity === "day" ? "; a day holds the hours that begin on it (in a zone offset by half an hour, each day is shifted by those 30 minutes)" : ""}.
          </span>
        </div>
      </form>

      <Section id="sign-ins" title={`Sign-ins${perApp("signIns")}`}>
        <LineChart id="signins-ok" title="Successful first factors by method" description={`Per ${granularity}, ${tz}.`} labels={report.buckets} series={report.signIns.succeeded} formatLabel={label} />
        <LineChart id="signins-failed" title="Failed sign-ins by method" description={`Per ${granularity}, ${tz}.`} labels={report.buckets} series={report.signIns.failed} formatLabel={label} />
        <div className="grid gap-6 md:grid-cols-2">
          <BarChart id="second-ok" title={`Second steps completed, by factor${perApp("secondFactor")}`} description="Totals over the range." bars={totals(report.secondFactor.succeeded)} />
          <BarChart id="second-failed" title={`Second steps failed, by factor${perApp("secondFactor")}`} description="Totals over the range." bars={totals(report.secondFactor.failed)} />
        </div>
      </Section>

      <Section id="registrations" title={`Registrations${perApp("registrations")}`}>
        <BarChart id="funnel" title="Registration funnel" description="Registration forms submitted, CAPTCHA passed, accounts created, addresses verified." bars={report.registrations.funnel} formatName={(n) => FUNNEL_LABELS[n] ?? n} />
        <LineChart id="registrations-series" title="Registration funnel over time" description={`Per ${granularity}, ${tz}.`} labels={report.buckets} series={report.registrations.series.map((s) => ({ ...s, name: FUNNEL_LABELS[s.name] ?? s.name }))} formatLabel={label} />
      </Section>

      <Section id="active" title={`Active users${perApp("activeUsers")}`}>
        <p className="text-sm text-slate-600 dark:text-slate-400">People who signed in or refreshed tokens, each counted once per UTC day and per UTC month (distinct counts cannot be moved into another zone).</p>
        <LineChart id="dau" title="Daily active users (UTC days)" description="Distinct people per UTC day." labels={report.activeUsers.daily.map((d) => d.name)} series={[{ name: "Active users", values: report.activeUsers.daily.map((d) => d.value) }]} />
        <BarChart id="mau" title="Monthly active users (UTC months)" description="Distinct people per UTC month." bars={report.activeUsers.monthly} />
      </Section>

      <Section id="adoption" title="Second factor and passkey adoption">
        {adoptionLast ? (
          <p className="text-sm">
            On {adoptionLast.day}: {pct(adoptionLast.withSecondFactor, adoptionLast.totalUsers)} of {adoptionLast.totalUsers.toLocaleString("en-US")} accounts had a second factor, {pct(adoptionLast.withPasskey, adoptionLast.totalUsers)} a passkey.
          </p>
        ) : null}
        <LineChart
          id="adoption-series"
          title="Accounts with a second factor and with a passkey"
          description="Daily snapshots (UTC)."
          labels={report.adoption.map((a) => a.day)}
          series={report.adoption.length ? [
            { name: "All accounts", values: report.adoption.map((a) => a.totalUsers) },
            { name: "With a second factor", values: report.adoption.map((a) => a.withSecondFactor) },
            { name: "With a passkey", values: report.adoption.map((a) => a.withPasskey) },
          ] : []}
        />
      </Section>

      <Section id="risk" title="Risk decisions">
        <BarChart id="risk-decisions" title="Risk decisions by band and action" description="Totals over the range, band:action." bars={report.risk.decisions} />
      </Section>

      <Section id="countries" title="Top countries">
        <div className={tableFrame}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Sign-ins by country (the first 20)</caption>
            <thead className="text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Country</th>
                <th scope="col" className="px-4 py-2 font-medium">Sign-ins</th>
              </tr>
            </thead>
            <tbody>
              {report.countries.map((c) => (
                <tr key={c.name} className="border-t border-slate-100 dark:border-slate-800">
                  <th scope="row" className="px-4 py-1 font-normal">{c.name === "unknown" ? "Unknown" : c.name}</th>
                  <td className="px-4 py-1 tabular-nums">{c.value.toLocaleString("en-US")}</td>
                </tr>
              ))}
              {report.countries.length === 0 ? (
                <tr>
                  <td colSpan={2} className="px-4 py-3 text-slate-500">No sign-ins in this range.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="applications" title="Applications">
        <BarChart id="by-application" title={`Sign-ins by application${perApp("applications")}`} description="Sign-ins that reached the risk check, by the application they were for; (portal) is Portico's own pages." bars={report.applications} />
        <BarChart id="tokens" title="Tokens issued, by grant" description="Authorization code and device grants that issued tokens." bars={report.tokensIssued} />
      </Section>
    </>
  );
}

function totals(series: { name: string; values: number[] }[]) {
  return series.map((s) => ({ name: s.name, value: s.values.reduce((a, b) => a + b, 0) })).sort((a, b) => b.value - a.value);
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className={`${surface} mt-6 p-6`}>
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}
