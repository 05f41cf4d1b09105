// A background job's state and progress (user imports and exports): a native <progress> element,
// readable by screen readers and without JavaScript, and the counts beside it.
import type { JobState } from "@/lib/user-import";

const STATE_LABELS: Record<JobState, string> = { queued: "Queued", running: "Running", done: "Done", failed: "Failed" };
const STATE_TONES: Record<JobState, string> = {
  queued: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  running: "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300",
  done: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
  failed: "bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300",
};

export function JobStateBadge({ state }: { state: JobState }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATE_TONES[state]}`}>{STATE_LABELS[state]}</span>;
}

export function JobProgressBar({ id, processed, total, unit }: { id: string; processed: number; total: number | null; unit: string }) {
  const label = total === null ? `${processed.toLocaleString("en-US")} ${unit}` : `${processed.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} ${unit}`;
  return (
    <div className="min-w-40 space-y-1">
      <progress id={`progress-${id}`} className="h-2 w-full accent-indigo-600" max={total ?? undefined} value={total === null ? undefined : processed} aria-label={label} />
      <div className="text-xs text-slate-600 dark:text-slate-400" data-testid={`progress-${id}`}>
        {label}
      </div>
    </div>
  );
}

/** While a job is queued or running the page reloads itself every few seconds: progress without JavaScript. */
export function RefreshWhileRunning({ running, seconds = 3 }: { running: boolean; seconds?: number }) {
  return running ? <meta httpEquiv="refresh" content={String(seconds)} /> : null;
}

export function formatTime(at: Date | null): string {
  return at ? `${at.toISOString().slice(0, 16).replace("T", " ")} UTC` : "—";
}
