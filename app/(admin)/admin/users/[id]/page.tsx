import type { Metadata } from "next";
import { Section } from "@/components/admin/section";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PermissionError } from "@/lib/errors";
import { requireAdmin } from "@/lib/http";
import { adminUserOverview, ADMIN_USER_AUDIT_EVENTS, type AdminUserOverview } from "@/lib/sign-in";
import { listAttributeDefinitions } from "@/lib/profile";
import { attributeField, formValueOf } from "@/lib/profile/attributes.schema";
import { ADDRESS_FIELDS, PROFILE_FIELDS } from "@/lib/profile/profile.schema";
import { ADMIN_LOCK_MINUTES, canActOnUser, hasPermission, isRole, ROLE_LABELS, type Actor, type Permission } from "@/lib/users";
import { ProfileForm } from "@/components/portal/profile-form";
import { DeleteNowForm, LockUserForm, UserActionForm } from "@/components/admin/user-actions";
import { tableFrame } from "@/components/ui/styles";
import { Alert } from "@/components/ui/alert";
import * as actions from "./actions";

export const metadata: Metadata = { title: "User" };

const when = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")} UTC` : "—");


function Table({ head, rows, empty }: { head: string[]; rows: ReactNode[][]; empty: string }) {
  if (!rows.length) return <p className="text-sm text-slate-600 dark:text-slate-400">{empty}</p>;
  return (
    <div className={tableFrame}>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500 dark:border-slate-800">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
              {r.map((c, j) => (
                <td key={j} className="px-3 py-2 align-top">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STATUS_LABELS: Record<AdminUserOverview["user"]["status"], string> = {
  active: "Active",
  locked: "Locked",
  disabled: "Disabled",
  deletion_pending: "Deletion pending",
};

const LOCK_LABELS: Record<number, string> = { 60: "1 hour", 1440: "24 hours", 10080: "7 days" };

const CREATED: Record<string, string> = {
  invitation: "The user was created and an invitation was emailed: the link sets their password within 72 hours.",
  password: "The user was created with the password you gave.",
};

export default async function UserPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const { created } = await searchParams;
  const session = await requireAdmin(`/admin/users/${encodeURIComponent(id)}`, { permission: "users:read" });
  const actor: Actor = { id: session.user.id, roles: session.user.roles };
  // A customer outside the administrator's segment is answered like an unknown one (404), not 403:
  // a segment's administrator learns nothing about accounts they do not manage, not even that they exist.
  const overview = await adminUserOverview(actor, id).catch((e: unknown) => {
    if (e instanceof PermissionError) return null;
    throw e;
  });
  if (!overview) notFound();
  const { user: u } = overview;
  const may = (permission: Permission) => canActOnUser(actor, permission, u);
  const self = actor.id === u.id;
  const definitions = await listAttributeDefinitions();
  return (
    <>
      <Link href="/admin/users" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        ← Users
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{u.displayName ?? u.email}</h1>
        <span
          data-testid="user-status"
          className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${u.status === "active" ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200"}`}
        >
          {STATUS_LABELS[u.status]}
        </span>
      </div>

      {typeof created === "string" && CREATED[created] ? (
        <div className="mt-4">
          <Alert tone="success">{CREATED[created]}</Alert>
        </div>
      ) : null}
      <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-slate-500">Email</dt>
        <dd>
          {u.email} <span className="text-slate-500">({u.emailVerifiedAt ? `verified ${when(u.emailVerifiedAt)}` : "not verified"})</span>
        </dd>
        <dt className="text-slate-500">Created</dt>
        <dd>{when(u.createdAt)}</dd>
        <dt className="text-slate-500">Last sign-in</dt>
        <dd>{when(u.lastLoginAt)}</dd>
        <dt className="text-slate-500">Password</dt>
        <dd>
          {u.passwordSet ? `set ${when(u.passwordChangedAt)}` : "none (invited, or passkey only)"}
          {u.passwordResetRequiredAt ? <span className="text-amber-700 dark:text-amber-300"> · a new one is required at the next sign-in</span> : null}
        </dd>
        <dt className="text-slate-500">Locked until</dt>
        <dd>{u.lockedUntil && u.lockedUntil > new Date() ? when(u.lockedUntil) : "not locked"}</dd>
        <dt className="text-slate-500">Disabled</dt>
        <dd>{when(u.disabledAt)}</dd>
        {u.deletionDueAt ? (
          <>
            <dt className="text-slate-500">Erasure due</dt>
            <dd>{when(u.deletionDueAt)}</dd>
          </>
        ) : null}
        <dt className="text-slate-500">Administrative roles</dt>
        <dd data-testid="user-roles">{u.roles.length ? u.roles.map((r) => `${isRole(r.role) ? ROLE_LABELS[r.role] : r.role}${r.scope ? ` (${r.scope})` : ""}`).join(", ") : "none"}</dd>
      </dl>

      <Section id="actions" title="Actions">
        {self ? <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">This is your own account: disabling, locking, deleting it or removing its sign-in methods is refused here. Use the portal, or ask another administrator.</p> : null}
        <div className="grid gap-6 md:grid-cols-2">
          {may("users:write") ? (
            u.emailVerifiedAt ? (
              <UserActionForm action={actions.unverifyEmailAction} userId={u.id} label="Mark address unverified" description="The customer must confirm the address again." />
            ) : (
              <UserActionForm action={actions.verifyEmailAction} userId={u.id} label="Mark address verified" description="Only when you checked the address another way." />
            )
          ) : null}
          {may("users:unlock") && u.status === "locked" ? <UserActionForm action={actions.unlockUserAction} userId={u.id} label="Unlock" description="Lifts the lock and the failed-attempt counters." /> : null}
          {may("users:write") && !self && u.status === "active" ? <LockUserForm action={actions.lockUserAction} userId={u.id} options={ADMIN_LOCK_MINUTES.map((m) => ({ minutes: m, label: LOCK_LABELS[m] ?? `${m} minutes` }))} /> : null}
          {may("users:send_reset") && !u.disabledAt ? <UserActionForm action={actions.sendResetLinkAction} userId={u.id} label="Send a password reset link" description="The forgot-password mail, sent now." /> : null}
          {may("users:write") ? <UserActionForm action={actions.requirePasswordResetAction} userId={u.id} label="Require a new password" description="Every sign-in is refused until the customer chooses a new password from the link we email." /> : null}
          {may("users:write") && !self ? (
            <UserActionForm action={actions.signOutEverywhereAction} userId={u.id} label="Sign out everywhere" confirm="End every session and revoke every application's tokens (refresh tokens included)?" />
          ) : null}
          {may("users:reset_factors") && !self && overview.factors.length ? (
            <UserActionForm action={actions.resetFactorsAction} userId={u.id} label="Reset second factors" confirm="Remove every passkey, authenticator app, phone number and recovery code? Only after checking who the customer is." />
          ) : null}
          {may("users:write") && !self ? (
            u.disabledAt ? (
              u.deletionDueAt ? null : <UserActionForm action={actions.enableUserAction} userId={u.id} label="Enable account" />
            ) : (
              <UserActionForm action={actions.disableUserAction} userId={u.id} label="Disable account" confirm="Disable this account? Every session ends and every application loses access; the customer cannot sign in until it is enabled." />
            )
          ) : null}
          {may("users:delete") && !self && !u.deletionDueAt ? (
            <div className="space-y-2">
              <UserActionForm action={actions.scheduleDeletionAction} userId={u.id} label="Delete with grace period" confirm="Disable the account now and erase it after the grace period? The customer is mailed a link that cancels it." />
              <DeleteNowForm action={actions.deleteNowAction} userId={u.id} email={u.email} />
            </div>
          ) : null}
        </div>
      </Section>

      <Section id="profile" title="Profile">
        {may("users:write") && !u.disabledAt ? (
          <ProfileForm
            action={actions.updateUserProfileAction.bind(null, u.id)}
            profile={{
              ...Object.fromEntries(PROFILE_FIELDS.filter((f) => !(ADDRESS_FIELDS as readonly string[]).includes(f)).map((f) => [f, String((u as Record<string, unknown>)[f] ?? "")])),
              ...Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, u.address?.[f] ?? ""])),
              ...Object.fromEntries(definitions.map((d) => [attributeField(d.name), formValueOf(u.attributes[d.name])])),
            }}
            timeZones={Intl.supportedValuesOf("timeZone")}
            attributes={definitions.map(({ id: _id, createdAt: _c, updatedAt: _u, ...definition }) => ({ definition, writable: true }))}
          />
        ) : (
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
            {PROFILE_FIELDS.filter((f) => !(ADDRESS_FIELDS as readonly string[]).includes(f)).map((f) => (
              <ProfileRow key={f} name={f} value={(u as Record<string, unknown>)[f]} />
            ))}
            {ADDRESS_FIELDS.map((f) => (
              <ProfileRow key={f} name={f} value={u.address?.[f]} />
            ))}
            {definitions.map((d) => (
              <ProfileRow key={d.name} name={d.label} value={formValueOf(u.attributes[d.name])} />
            ))}
          </dl>
        )}
      </Section>

      <Section id="factors" title="Sign-in methods">
        <Table
          head={["Kind", "Label", "Added", "Last used"]}
          empty="No second factor: password only (or an emailed code)."
          rows={overview.factors.map((f) => [f.type + (f.flagged ? " (flagged)" : ""), f.label ?? "—", when(f.createdAt), when(f.lastUsedAt)])}
        />
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">Recovery codes left: {overview.recoveryCodesLeft}</p>
      </Section>

      <Section id="sessions" title="Active sessions">
        <Table
          head={["Device", "IP address", "Place", "Started", "Last seen"]}
          empty="No active session."
          rows={overview.sessions.map((s) => [[s.browser, s.system].filter(Boolean).join(" on ") || "Unknown device", s.ip ?? "—", s.place ?? "—", when(s.startedAt), when(s.lastSeenAt)])}
        />
      </Section>

      <Section id="applications" title="Connected applications">
        <Table
          head={["Application", "Allowed", "Access", "Live grants", ""]}
          empty="No application has access."
          rows={overview.applications.map((a) => [
            a.name,
            when(a.allowedAt),
            a.permissions.join("; ") || "—",
            String(a.liveGrants),
            may("users:write") ? (
              <UserActionForm key={a.clientId} action={actions.revokeApplicationAction} userId={u.id} hidden={{ clientId: a.clientId }} label="Remove access" confirm={`Remove ${a.name}'s access? Its tokens stop working; it must ask the customer again.`} />
            ) : null,
          ])}
        />
      </Section>

      <Section id="risk" title="Recent risk decisions">
        <Table
          head={["When", "Method", "Decision", "Outcome", "IP address", "Place"]}
          empty="No sign-in was assessed recently."
          rows={overview.assessments.slice(0, 20).map((r) => [when(r.at), r.method, r.action, r.outcome, r.ip ?? "—", r.place ?? "—"])}
        />
      </Section>

      <Section id="audit" title="Audit trail">
        <Table
          head={["When", "Action", "Result", "By", "IP address"]}
          empty="No audit event about this account."
          rows={overview.audit.map((e) => [when(e.at), e.action, e.result, e.actorType === "user" && e.actorId === u.id ? "the customer" : `${e.actorType}${e.actorId && e.actorId !== u.id ? ` ${e.actorId.slice(0, 8)}` : ""}`, e.ip ?? "—"])}
        />
        {overview.audit.length >= ADMIN_USER_AUDIT_EVENTS && hasPermission(actor, "audit:read") ? (
          <p className="mt-2 text-sm">
            <Link href={`/admin/audit?target=${encodeURIComponent(u.id)}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
              More in the audit log →
            </Link>
          </p>
        ) : null}
      </Section>
    </>
  );
}

function ProfileRow({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt className="text-slate-500">{name}</dt>
      <dd>{value === null || value === undefined || value === "" ? "—" : String(value)}</dd>
    </>
  );
}
