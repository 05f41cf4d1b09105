import Link from "next/link";
import type { ReactNode } from "react";

/** Header and frame for signed-in pages (portal and admin). */
export function PageShell({ email, isAdmin, signOut, children }: { email: string; isAdmin: boolean; signOut: () => Promise<void>; children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href="/account" className="flex items-center gap-2 font-semibold">
            <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-white">P</span>
            Portico
          </Link>
          <nav aria-label="Main" className="flex items-center gap-4 text-sm">
            <Link href="/account" className="hover:underline">Account</Link>
            <Link href="/account/security" className="hover:underline">Security</Link>
            <Link href="/account/apps" className="hover:underline">Apps</Link>
            {isAdmin ? <Link href="/admin" className="hover:underline">Admin</Link> : null}
            {isAdmin ? <Link href="/admin/applications" className="hover:underline">Applications</Link> : null}
            {isAdmin ? <Link href="/admin/keys" className="hover:underline">Signing keys</Link> : null}
            {isAdmin ? <Link href="/admin/risk" className="hover:underline">Risk</Link> : null}
            <span className="hidden text-slate-500 sm:inline" data-testid="signed-in-as">{email}</span>
            <form action={signOut}>
              <button type="submit" className="rounded-md px-3 py-1.5 font-medium ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-600 dark:hover:bg-slate-800">
                Sign out
              </button>
            </form>
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
    </div>
  );
}
