// The console's page about one customer, read across the domains that hold it: the account
// (lib/users, which checks users:read for this customer, segment scopes included, before anything
// else is read), its second factors (never a secret), live sessions with device and approximate
// place, the applications it allowed and those holding live grants, recent risk decisions, and the
// audit events about it, newest first.
import "server-only";
import { listAuditEvents } from "@/lib/audit";
import { securityOverview } from "@/lib/factors";
import { describeUserAgent } from "@/lib/formats";
import { connectedApplications, liveGrantsForExport } from "@/lib/oidc";
import { placeOfIp, recentAssessmentsForExport } from "@/lib/risk";
import { sessionsOfOwner } from "@/lib/sessions";
import { getUserForAdmin, type Actor } from "@/lib/users";

/** Audit events shown on the page; the audit log has the rest. */
export const ADMIN_USER_AUDIT_EVENTS = 40;

/** Null when there is no such account; PermissionError when the actor may not read this one. */
export async function adminUserOverview(actor: Actor, userId: string) {
  const user = await getUserForAdmin(actor, userId);
  if (!user) return null;
  const [security, sessions, applications, grants, assessments, audit] = await Promise.all([
    securityOverview(user.id),
    sessionsOfOwner(user.id),
    connectedApplications(user.id),
    liveGrantsForExport(user.id),
    recentAssessmentsForExport(user.id),
    listAuditEvents({ targetId: user.id, take: ADMIN_USER_AUDIT_EVENTS }),
  ]);
  const grantsByClient = new Map<string, number>();
  for (const g of grants) grantsByClient.set(g.clientId, (grantsByClient.get(g.clientId) ?? 0) + 1);
  const named = new Map(applications.map((a) => [a.clientId, a]));
  // Allowed applications, and any holding grants without a remembered consent (first-party ones).
  const apps = [...new Set([...applications.map((a) => a.clientId), ...grantsByClient.keys()])].map((clientId) => ({
    clientId,
    name: named.get(clientId)?.name ?? clientId,
    allowedAt: named.get(clientId)?.allowedAt ?? null,
    permissions: named.get(clientId)?.permissions ?? [],
    liveGrants: grantsByClient.get(clientId) ?? 0,
  }));
  return {
    user,
    factors: security.factors.map(({ id, type, label, createdAt, lastUsedAt, flaggedAt }) => ({ id, type, label, createdAt, lastUsedAt, flagged: Boolean(flaggedAt) })),
    recoveryCodesLeft: security.recoveryCodesLeft,
    sessions: sessions.map((s) => ({ id: s.id, ...describeUserAgent(s.userAgent), ip: s.ip, place: placeOfIp(s.ip), startedAt: s.createdAt, lastSeenAt: s.lastSeenAt })),
    applications: apps,
    assessments,
    audit: audit.map((e) => ({ id: String(e.id), at: e.createdAt, action: e.action, result: e.result, actorType: e.actorType, actorId: e.actorId, ip: e.ip })),
  };
}

export type AdminUserOverview = NonNullable<Awaited<ReturnType<typeof adminUserOverview>>>;
