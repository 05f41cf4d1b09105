import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { DOWNLOAD_HOURS, EXPORTS_PER_DAY, latestDataExport, type DataExportView } from "@/lib/privacy";
import { Alert } from "@/components/ui/alert";
import { PrepareExportForm, RefreshWhilePending } from "@/components/portal/data-export-form";
import { surface } from "@/components/ui/styles";
import { requestDataExportAction } from "./actions";

export const metadata: Metadata = { title: "Your data" };

const when = (at: Date) => <time dateTime={at.toISOString()}>{at.toUTCString()}</time>;

function size(bytes: number | null): string {
  if (bytes === null) return "";
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Where the latest copy stands: being prepared, ready with its link, failed or expired. */
function LatestExport({ latest }: { latest: DataExportView }) {
  switch (latest.status) {
    case "pending":
      return (
        <div data-testid="export-pending">
          <Alert tone="info">Your copy, asked for on {when(latest.requestedAt)}, is being prepared. The download link appears here when it is ready, and we email it to you.</Alert>
          <RefreshWhilePending />
        </div>
      );
    case "ready":
      return (
        <div className={`${surface} p-5`} data-testid="export-ready">
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Your copy is ready ({size(latest.sizeBytes)}, prepared on {latest.readyAt ? when(latest.readyAt) : null}). The link works until {latest.expiresAt ? when(latest.expiresAt) : null}, for
            this account only; then we delete the copy.
          </p>
          <a href={latest.downloadPath!} className="mt-3 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
            Download
          </a>
        </div>
      );
    case "failed":
      return <Alert tone="error">We could not prepare the copy you asked for on {when(latest.requestedAt)}. Ask for a new one.</Alert>;
    case "expired":
      return <p className="text-sm text-slate-600 dark:text-slate-400">Your last copy, prepared on {latest.readyAt ? when(latest.readyAt) : null}, has expired.</p>;
  }
}

export default async function YourDataPage() {
  const session = await requireSession("/account/data");
  const latest = await latestDataExport(session.user, session.user.id);
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Your data</h1>
      <div className="mb-6 mt-1 max-w-2xl space-y-2 text-slate-600 dark:text-slate-400">
        <p>
          Download a copy of everything we hold about you: your account, profile, communication preferences, sign-in methods (never their secrets), sessions, remembered
          browsers, the applications you allowed, your whole activity and our recent risk checks of your sign-ins. It is one JSON file that other
          services can read.
        </p>
        <p>
          We prepare it in the background and email you when it is ready. The link works for {DOWNLOAD_HOURS} hours, only while you are signed in to
          this account. You can ask for {EXPORTS_PER_DAY.points} copies a day; a new copy replaces the previous one.
        </p>
      </div>
      {latest ? <LatestExport latest={latest} /> : null}
      <PrepareExportForm action={requestDataExportAction} disabled={latest?.status === "pending"} />
    </>
  );
}
