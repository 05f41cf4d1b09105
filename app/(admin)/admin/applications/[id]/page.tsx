import type { Metadata } from "next";
import { Section } from "@/components/admin/section";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ApplicationForm, type ApplicationFormValues } from "@/components/admin/application-form";
import { DeleteApplicationForm, RotateSecretForm, StatusForm } from "@/components/admin/application-controls";
import { CopyableValue } from "@/components/admin/secret-box";
import { requireAdmin } from "@/lib/http";
import { getApplication, listApplicationRoles, usesClientSecret, type ApplicationDto } from "@/lib/applications";
import { NewRoleForm, RoleClaimsForm, RoleList } from "@/components/admin/application-roles";
import { ClaimMappingForm, ProfilingPolicyForm } from "@/components/admin/attribute-forms";
import { DEFAULT_REMIND_AFTER_DAYS, profilingLines } from "@/lib/profile/profiling.schema";
import { listAttributeDefinitions } from "@/lib/profile";
import { AdminScopesForm } from "@/components/admin/admin-scopes-form";
import { ApplicationConnectionsForm } from "@/components/admin/connection-forms";
import { listApplicationConnectionsFor } from "@/lib/federation";
import {
  deleteApplicationAction,
  rotateClientSecretAction,
  setAdminScopesAction,
  setApplicationConnectionsAction,
  assignRoleAction,
  createRoleAction,
  deleteRoleAction,
  setRoleClaimsAction,
  unassignRoleAction,
  setApplicationDisabledAction,
  setClaimMappingsAction,
  setProfilingPolicyAction,
  updateApplicationAction,
} from "../actions";

export const metadata: Metadata = { title: "Application" };

function formValuesOf(a: ApplicationDto): ApplicationFormValues {
  return {
    name: a.name,
    type: a.type,
    redirectUris: a.redirectUris.join("\n"),
    postLogoutRedirectUris: a.postLogoutRedirectUris.join("\n"),
    grantTypes: a.grantTypes.join("\n"),
    tokenEndpointAuthMethod: a.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: a.idTokenSignedResponseAlg,
    accessTokenTtlSeconds: String(a.accessTokenTtlSeconds),
    refreshTokenTtlSeconds: String(a.refreshTokenTtlSeconds),
    backchannelLogoutUri: a.backchannelLogoutUri ?? "",
    logoUri: a.logoUri ?? "",
    firstParty: a.firstParty ? "on" : "",
    mfaPolicy: a.mfaPolicy,
    emailCodeWithStrongFactor: a.emailCodeWithStrongFactor ? "on" : "",
    jwks: a.jwks ? JSON.stringify(a.jwks, null, 2) : "",
    allowedScopes: a.allowedScopes.join(" "),
    allowedResources: a.allowedResources.join("\n"),
  };
}


export default async function ApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/applications/${encodeURIComponent(id)}`, { permission: "applications:read" });
  const actor = { id: session.user.id, roles: session.user.roles };
  const application = await getApplication(actor, id);
  if (!application) notFound();
  const a = application;
  // Every existing connection to choose from: an application administrator chooses without connections:read.
  const connections = await listApplicationConnectionsFor(actor, a.id);
  // The attributes an application may be given: those with a read scope (an application administrator maps them without attributes:read).
  const roles = await listApplicationRoles(actor, a.id);
  const readable = (await listAttributeDefinitions()).filter((d) => d.appReadScope).map((d) => ({ name: d.name, label: d.label }));
  return (
    <>
      <Link href="/admin/applications" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        ← Applications
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{a.name}</h1>
        <span
          className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${a.disabled ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"}`}
        >
          {a.disabled ? "Disabled" : "Enabled"}
        </span>
      </div>
      <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-slate-500">Type</dt>
        <dd>{a.type}</dd>
        <dt className="text-slate-500">Authentication</dt>
        <dd>{a.tokenEndpointAuthMethod}</dd>
        <dt className="text-slate-500">Created</dt>
        <dd>
          {a.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC {a.createdVia === "dynamic" ? "(dynamic registration)" : ""}
        </dd>
        {a.hasSecret ? (
          <>
            <dt className="text-slate-500">Secret issued</dt>
            <dd>{a.secretRotatedAt ? `${a.secretRotatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "yes"}</dd>
          </>
        ) : null}
      </dl>
      <div className="mt-4 max-w-xl">
        <CopyableValue label="Client ID" value={a.clientId} id="client-id" />
      </div>

      <Section id="settings" title="Settings">
        <ApplicationForm action={updateApplicationAction} mode="edit" applicationId={a.id} initial={formValuesOf(a)} />
      </Section>

      <Section id="connections" title="Sign-in connections">
        <ApplicationConnectionsForm action={setApplicationConnectionsAction} applicationId={a.id} offered={connections.offered} available={connections.available} />
      </Section>

      <Section id="claims" title="Claim mapping">
        <ClaimMappingForm action={setClaimMappingsAction} applicationId={a.id} initial={a.claimMappings} attributes={readable} />
      </Section>

      <Section id="roles" title="Roles">
        <div className="space-y-6">
          <RoleClaimsForm action={setRoleClaimsAction} applicationId={a.id} initial={{ rolesClaim: a.rolesClaim, groupsClaim: a.groupsClaim, requireRole: a.requireRole }} />
          <RoleList applicationId={a.id} roles={roles} actions={{ remove: deleteRoleAction, assign: assignRoleAction, unassign: unassignRoleAction }} />
          <NewRoleForm action={createRoleAction} applicationId={a.id} />
        </div>
      </Section>

      <Section id="profiling" title="Progressive profiling">
        <ProfilingPolicyForm
          action={setProfilingPolicyAction}
          applicationId={a.id}
          initial={profilingLines(a.profilingPolicy)}
          remindAfterDays={a.profilingPolicy?.remindAfterDays ?? DEFAULT_REMIND_AFTER_DAYS}
        />
      </Section>

      {a.type === "confidential" && a.grantTypes.includes("client_credentials") ? (
        <Section id="admin-api" title="Admin API access">
          <AdminScopesForm action={setAdminScopesAction} applicationId={a.id} current={a.adminScopes} />
        </Section>
      ) : null}

      {usesClientSecret(a.tokenEndpointAuthMethod) ? (
        <Section id="secret" title="Client secret">
          <RotateSecretForm action={rotateClientSecretAction} applicationId={a.id} />
        </Section>
      ) : null}

      <Section id="status" title="Status">
        <StatusForm action={setApplicationDisabledAction} applicationId={a.id} disabled={a.disabled} />
      </Section>

      <Section id="delete" title="Delete">
        <DeleteApplicationForm action={deleteApplicationAction} applicationId={a.id} name={a.name} />
      </Section>
    </>
  );
}
