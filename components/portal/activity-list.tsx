import Link from "next/link";
import type { ActivityEntry, Tone } from "@/lib/activity";
import { surface } from "@/components/ui/styles";

const TONE_MARK: Record<Tone, string> = {
  routine: "bg-slate-300 dark:bg-slate-600",
  attention: "bg-amber-400",
  alert: "bg-red-500",
};

/** The customer's history, one entry per row: what, when, from which device and place; sign-ins can be reported. */
export function ActivityList({ entries, report = true }: { entries: ActivityEntry[]; report?: boolean }) {
  if (entries.length === 0) {
    return (
      <p className="mt-8 text-slate-600 dark:text-slate-400" data-testid="no-activity">
        No activity to show.
      </p>
    );
  }
  return (
    <ol className={`${surface} mt-8 divide-y divide-slate-200 dark:divide-slate-800`} data-testid="activity">
      {entries.map((e) => (
        <li key={e.id} className="flex flex-wrap items-start gap-x-4 gap-y-2 p-4" data-testid="activity-entry" data-tone={e.tone}>
          <span aria-hidden className={`mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full ${TONE_MARK[e.tone]}`} />
          <div className="min-w-0 flex-1">
            <p className="font-medium">{e.title}</p>
            {e.detail ? <p className="text-sm text-slate-700 dark:text-slate-300">{e.detail}</p> : null}
            <p className="text-xs text-slate-500">
              <time dateTime={e.at.toISOString()}>{e.at.toUTCString()}</time>
              {e.device ? <> · {e.device}</> : null}
              {e.place ? <> · {e.place}</> : null}
              {e.ip ? <> · {e.ip}</> : null}
            </p>
          </div>
          {report && e.signIn ? (
            <Link href={`/account/activity/report?event=${e.id}`} className="text-sm font-medium text-red-700 hover:underline dark:text-red-400">
              This wasn&apos;t me
            </Link>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
