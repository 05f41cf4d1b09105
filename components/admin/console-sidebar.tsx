"use client";
// The console's side navigation and breadcrumbs: client components only to know the current path
// (layouts are not re-rendered on navigation, so the server cannot mark the active link).
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ConsoleGroup } from "./console-nav";
import { sectionOf } from "./console-nav";

export function ConsoleSidebar({ groups }: { groups: ConsoleGroup[] }) {
  const pathname = usePathname();
  const active = sectionOf(pathname)?.link.href;
  return (
    <nav aria-label="Console" className="text-sm">
      <ul className="flex flex-wrap gap-x-6 gap-y-4 md:flex-col md:flex-nowrap">
        {groups.map((g) => (
          <li key={g.label}>
            <p className="px-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{g.label}</p>
            <ul className="mt-1 space-y-0.5">
              {g.links.map((l) => (
                <li key={l.href}>
                  <Link
                    href={l.href}
                    aria-current={l.href === active ? "page" : undefined}
                    className={`block rounded-md px-2 py-1 ${l.href === active ? "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
                  >
                    {l.label}
                  </Link>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Console › group › section › (detail): where this page sits. */
export function ConsoleBreadcrumbs() {
  const pathname = usePathname();
  const section = sectionOf(pathname);
  if (!section) return null;
  const detail = pathname !== section.link.href;
  return (
    <nav aria-label="Breadcrumb" className="mb-4 text-sm text-slate-500">
      <ol className="flex flex-wrap items-center gap-1">
        <li>Console</li>
        <li aria-hidden>›</li>
        <li>{section.group}</li>
        {section.link.label !== section.group ? (
          <>
            <li aria-hidden>›</li>
            <li>{detail ? <Link href={section.link.href} className="hover:underline">{section.link.label}</Link> : <span aria-current="page">{section.link.label}</span>}</li>
          </>
        ) : detail ? (
          <>
            <li aria-hidden>›</li>
            <li><Link href={section.link.href} className="hover:underline">{section.link.label}</Link></li>
          </>
        ) : null}
        {detail ? (
          <>
            <li aria-hidden>›</li>
            <li aria-current="page">{detailLabel(pathname.slice(section.link.href.length + 1))}</li>
          </>
        ) : null}
      </ol>
    </nav>
  );
}

function detailLabel(rest: string): string {
  const first = rest.split("/")[0] ?? "";
  if (first === "new") return "New";
  return /^[0-9a-f-]{36}$/i.test(first) || /^\d+$/.test(first) ? "Details" : first.charAt(0).toUpperCase() + first.slice(1);
}
