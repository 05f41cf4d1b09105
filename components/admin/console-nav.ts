// The console's sections, grouped by job, each with the permission that opens it. The shell shows
// only what the administrator may open (the page's guard refuses the rest anyway); /admin sends
// each administrator to their first one; the breadcrumbs name pages by the same labels.
import type { Permission } from "@/lib/users";

export interface ConsoleLink {
  href: string;
  label: string;
  permission: Permission;
}

export interface ConsoleGroup {
  label: string;
  links: ConsoleLink[];
}

export const CONSOLE_GROUPS: readonly ConsoleGroup[] = [
  {
    label: "Users",
    links: [
      { href: "/admin/users", label: "Users", permission: "users:read" },
      { href: "/admin/users/import", label: "Import", permission: "users:import" },
      { href: "/admin/users/export", label: "Export", permission: "users:export" },
      { href: "/admin/groups", label: "Groups", permission: "groups:read" },
      { href: "/admin/administrators", label: "Administrators", permission: "roles:read" },
    ],
  },
  {
    label: "Applications",
    links: [
      { href: "/admin/applications", label: "Applications", permission: "applications:read" },
      { href: "/admin/connections", label: "Connections", permission: "connections:read" },
      { href: "/admin/provisioning", label: "Provisioning", permission: "provisioning:read" },
      { href: "/admin/webhooks", label: "Webhooks", permission: "webhooks:read" },
    ],
  },
  {
    label: "Security",
    links: [
      { href: "/admin/risk", label: "Risk", permission: "risk:read" },
      { href: "/admin/keys", label: "Signing keys", permission: "keys:read" },
    ],
  },
  { label: "Analytics", links: [{ href: "/admin/analytics", label: "Dashboard", permission: "analytics:read" }] },
  { label: "Audit", links: [{ href: "/admin/audit", label: "Audit log", permission: "audit:read" }] },
  {
    label: "Settings",
    links: [
      { href: "/admin/attributes", label: "Attributes", permission: "attributes:read" },
      { href: "/admin/purposes", label: "Purposes", permission: "consents:read" },
      { href: "/admin/preferences", label: "Topics", permission: "topics:read" },
      { href: "/admin/legal", label: "Terms", permission: "legal:read" },
      { href: "/admin/audit/settings", label: "Audit retention", permission: "audit:retention" },
    ],
  },
];

/** The groups and links an administrator may open (`may`: lib/users hasPermission for them); empty groups dropped. */
export function consoleNavFor(may: (permission: Permission) => boolean): ConsoleGroup[] {
  return CONSOLE_GROUPS.map((g) => ({ label: g.label, links: g.links.filter((l) => may(l.permission)) })).filter((g) => g.links.length > 0);
}

/** Where /admin sends an administrator: the first section they may open. */
export function consoleHomeFor(may: (permission: Permission) => boolean): string | null {
  return consoleNavFor(may)[0]?.links[0]?.href ?? null;
}

/** The label of a console path's section, for breadcrumbs ("/admin/users/123" → Users). */
export function sectionOf(pathname: string): { group: string; link: ConsoleLink } | null {
  let best: { group: string; link: ConsoleLink } | null = null;
  for (const g of CONSOLE_GROUPS) {
    for (const l of g.links) {
      if ((pathname === l.href || pathname.startsWith(l.href + "/")) && (!best || l.href.length > best.link.href.length)) best = { group: g.label, link: l };
    }
  }
  return best;
}
