import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The frame of every signed-in page: the brand, the group's navigation, who is signed in and the
 * sign-out button. The route-group layouts (app/(portal), app/(admin)) render it, never the pages.
 */
export function Shell({ home, label, nav, email, signOut, children }: { home: string; label: string; nav: ReactNode; email: string; signOut: () => Promise<void>; children: ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <Link href={home} className="flex items-center gap-2 font-semibold">
            <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-white">P</span>
            Portico
          </Link>
          <nav aria-label={label} className="flex items-center gap-4 text-sm">
            {nav}
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

export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="hover:underline">
      {children}
    </Link>
  );
}
