import type { Metadata } from "next";
import Link from "next/link";
import { requireSession } from "@/lib/http";
import { listActivity } from "@/lib/activity";
import { ActivityList } from "@/components/portal/activity-list";
import { secondaryButton } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/account/activity");
  const { before } = await searchParams;
  const page = await listActivity(session.user, session.user.id, { before: typeof before === "string" ? before : undefined });
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Activity</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        Sign-ins, attempts and changes to your account, newest first, with the device and the approximate place they came from. If you
        don&apos;t recognise a sign-in, report it: we lock the account and email you a link to choose a new password.
      </p>
      <ActivityList entries={page.entries} />
      <nav className="mt-6 flex gap-3" aria-label="Activity pages">
        {typeof before === "string" ? (
          <Link href="/account/activity" className={secondaryButton}>
            Newest
          </Link>
        ) : null}
        {page.older ? (
          <Link href={`/account/activity?before=${page.older}`} className={secondaryButton} data-testid="older-activity">
            Older activity
          </Link>
        ) : null}
      </nav>
    </>
  );
}
