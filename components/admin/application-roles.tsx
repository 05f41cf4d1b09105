"use client";
// The application page's roles: the claims it receives roles and groups in, "require a role to sign
// in", its roles with who holds each, and the forms to add, delete, give and take back a role. Each
// form posts to its own server action (app/(admin)/admin/applications/actions.ts); the domain checks.
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { CheckboxField, SelectField } from "./form-controls";
import type { ApplicationRoleDto } from "@/lib/applications/roles.schema";
import type { AdminAction, AdminFormState } from "./types";

function Status({ state }: { state: AdminFormState }) {
  return state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null;
}

export function RoleClaimsForm({
  action,
  applicationId,
  initial,
}: {
  action: AdminAction;
  applicationId: string;
  initial: { rolesClaim: string | null; groupsClaim: string | null; requireRole: boolean };
}) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const v = state.values;
  return (
    <form action={formAction} className="space-y-3">
      <Status state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <Field
        name="rolesClaim"
        id="field-rolesClaim"
        label="Roles claim"
        hint={'The claim the application receives its roles in: "roles", or a namespace such as https://example.com/roles. Empty: not sent.'}
        defaultValue={v?.rolesClaim ?? initial.rolesClaim ?? ""}
        error={state.fieldErrors?.rolesClaim}
        maxLength={200}
      />
      <Field
        name="groupsClaim"
        id="field-groupsClaim"
        label="Groups claim"
        hint="The user's groups that hold one of this application's roles (never their other groups). Empty: not sent."
        defaultValue={v?.groupsClaim ?? initial.groupsClaim ?? ""}
        error={state.fieldErrors?.groupsClaim}
        maxLength={200}
      />
      <CheckboxField
        name="requireRole"
        id="field-requireRole"
        label="Require a role to sign in"
        hint="Someone holding none of its roles is refused (access_denied), and their refresh tokens stop working."
        defaultChecked={v ? v.requireRole === "on" : initial.requireRole}
      />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save role claims"}
      </Button>
    </form>
  );
}

export function NewRoleForm({ action, applicationId }: { action: AdminAction; applicationId: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const v = state.ok ? undefined : state.values;
  return (
    <form action={formAction} className="space-y-3" key={state.ok ? state.message : "new-role"}>
      <Status state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field name="name" id="field-role-name" label="Role name" hint="Letters, digits and _ . : - (no spaces), e.g. editor." defaultValue={v?.name ?? ""} error={state.fieldErrors?.name} maxLength={100} required />
        <Field name="description" id="field-role-description" label="Description (optional)" defaultValue={v?.description ?? ""} error={state.fieldErrors?.description} maxLength={500} />
      </div>
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Adding…" : "Add role"}
      </Button>
    </form>
  );
}

function DeleteRoleButton({ action, applicationId, role }: { action: AdminAction; applicationId: string; role: ApplicationRoleDto }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} className="inline">
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <input type="hidden" name="roleId" value={role.id} />
      <button type="submit" disabled={pending} className="text-sm text-red-700 hover:underline dark:text-red-300" aria-label={`Delete role ${role.name}`}>
        {pending ? "Deleting…" : "Delete"}
      </button>
    </form>
  );
}

function UnassignButton({ action, applicationId, roleId, holder, label }: { action: AdminAction; applicationId: string; roleId: string; holder: { userId: string } | { groupId: string }; label: string }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  return (
    <form action={formAction} className="inline">
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <input type="hidden" name="roleId" value={roleId} />
      {"userId" in holder ? <input type="hidden" name="userId" value={holder.userId} /> : <input type="hidden" name="groupId" value={holder.groupId} />}
      <button type="submit" disabled={pending} className="ml-1 text-xs text-slate-500 hover:text-red-700 hover:underline dark:hover:text-red-300" aria-label={`Take ${label} back`}>
        ×
      </button>
    </form>
  );
}

const HOLDER_TYPES = [
  { value: "user", label: "A user (address)" },
  { value: "group", label: "A group (name)" },
] as const;

function AssignForm({ action, applicationId, role }: { action: AdminAction; applicationId: string; role: ApplicationRoleDto }) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});
  const v = state.ok ? undefined : state.values;
  const base = `role-${role.id}`;
  return (
    <form action={formAction} className="mt-2 space-y-2" key={state.ok ? state.message : base}>
      <Status state={state} />
      <input type="hidden" name="id" value={applicationId} />
      <input type="hidden" name="roleId" value={role.id} />
      <div className="grid gap-2 sm:grid-cols-[10rem_1fr_auto] sm:items-end">
        <SelectField name="holderType" id={`${base}-holderType`} label="Give to" defaultValue={v?.holderType ?? "user"} options={HOLDER_TYPES} />
        <Field name="holder" id={`${base}-holder`} label={`Address or group name for ${role.name}`} defaultValue={v?.holder ?? ""} error={state.fieldErrors?.holder} maxLength={256} required />
        <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
          {pending ? "Giving…" : "Give role"}
        </Button>
      </div>
    </form>
  );
}

export function RoleList({
  applicationId,
  roles,
  actions,
}: {
  applicationId: string;
  roles: ApplicationRoleDto[];
  actions: { remove: AdminAction; assign: AdminAction; unassign: AdminAction };
}) {
  if (roles.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">This application has no roles yet.</p>;
  return (
    <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
      {roles.map((role) => (
        <li key={role.id} className="space-y-2 p-3" data-testid={`role-${role.name}`}>
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <div>
              <code className="font-semibold">{role.name}</code>
              {role.description ? <span className="ml-2 text-sm text-slate-600 dark:text-slate-400">{role.description}</span> : null}
            </div>
            <DeleteRoleButton action={actions.remove} applicationId={applicationId} role={role} />
          </div>
          <p className="text-sm">
            <span className="text-slate-500">Held by: </span>
            {role.users.length === 0 && role.groups.length === 0 ? <span className="text-slate-500">nobody</span> : null}
            {role.users.map((u) => (
              <span key={u.id} className="mr-3 inline-flex items-center">
                {u.email ?? u.displayName ?? u.id}
                <UnassignButton action={actions.unassign} applicationId={applicationId} roleId={role.id} holder={{ userId: u.id }} label={u.email ?? u.id} />
              </span>
            ))}
            {role.groups.map((g) => (
              <span key={g.id} className="mr-3 inline-flex items-center">
                group {g.displayName}
                <UnassignButton action={actions.unassign} applicationId={applicationId} roleId={role.id} holder={{ groupId: g.id }} label={`group ${g.displayName}`} />
              </span>
            ))}
          </p>
          <AssignForm action={actions.assign} applicationId={applicationId} role={role} />
        </li>
      ))}
    </ul>
  );
}
