import type { ReactNode } from "react";

/** A titled part of a console detail page (an application's, a user's), separated by a rule. */
export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-10 border-t border-slate-200 pt-8 dark:border-slate-800">
      <h2 id={id} className="mb-4 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
