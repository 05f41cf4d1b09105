import Link from "next/link";
import type { ReactNode } from "react";
import { hasPermission, type Actor } from "@/lib/users";
import { consoleNavFor } from "./console-nav";
import { ConsoleBreadcrumbs, ConsoleSidebar } from "./console-sidebar";
import { ConsoleNotices } from "./console-notices";

/**
 * The console's own frame (not the customer portal's header): a top bar with who is signed in, the
 * way back to their own account and sign-out; side navigation grouped by job, showing only what this
 * administrator's roles open; breadcrumbs above the page.
 */
export function AdminShell({ actor, email, signOut, children }: { actor: Actor; email: string; signOut: () => Promise<void>; children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/admin" className="flex items-center gap-2 font-semibold">
            <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900">P</span>
            Portico <span className="font-normal text-slate-500">Console</span>
          </Link>
          <div className="flex items-center gap-4 text-sm">
            <Link href="/account" className="hover:underline">Your account</Link>
            <span className="hidden text-slate-500 sm:inline" data-testid="signed-in-as">{email}</span>
            <form action={signOut}>
              <button type="submit" className="rounded-md px-3 py-1.5 font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row md:gap-8">
        <aside className="md:w-52 md:shrink-0">
          <ConsoleSidebar groups={consoleNavFor((p) => hasPermission(actor, p))} />
        </aside>
        <main className="min-w-0 flex-1">
          <ConsoleBreadcrumbs />
          <ConsoleNotices>{children}</ConsoleNotices>
        </main>
      </div>
    </div>
  );
}
