import Link from "next/link";
import type { ReactNode } from "react";

/** The frame of every hosted login page: brand, title, content, footer links. */
export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4 py-12 dark:bg-slate-950">
      <div className="w-full max-w-md">
        <Link href="/" className="mb-8 flex items-center justify-center gap-2 text-slate-900 dark:text-white">
          <span aria-hidden className="grid h-9 w-9 place-items-center rounded-xl bg-indigo-600 text-lg font-bold text-white">P</span>
          <span className="text-xl font-semibold tracking-tight">Portico</span>
        </Link>
        <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900 dark:text-white">{title}</h1>
          {subtitle ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p> : null}
          <div className="mt-6 space-y-5">{children}</div>
        </div>
        {footer ? <div className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">{footer}</div> : null}
      </div>
    </main>
  );
}
