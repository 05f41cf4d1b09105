"use server";
// Server actions of the applications console. Each one checks the administrator itself through the
// console's wrapper (lib/http adminAction: strong second factor, two-factor session, sign-in from
// the last 15 minutes, the permission; pages are not the only way to reach an action) and the
// domain checks again.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import {
  assignApplicationRoleByName,
  createApplicationRole,
  deleteApplicationRole,
  setRoleClaims,
  unassignApplicationRole,
  createApplication,
  createInitialAccessToken,
  deleteApplication,
  revokeInitialAccessToken,
  rotateClientSecret,
  setApplicationAdminScopes,
  setApplicationDisabled,
  setClaimMappings,
  setProfilingPolicy,
  updateApplication,
  ApplicationError,
} from "@/lib/applications";
import { applicationInputFromForm, applicationInputSchema, initialAccessTokenFormSchema } from "@/lib/applications/applications.schema";
import { claimMappingEcho, claimMappingRowsFromForm, MAX_CLAIM_MAPPINGS } from "@/lib/profile/attributes.schema";
import { setApplicationConnections } from "@/lib/federation";
import { applicationConnectionOrderFromForm } from "@/lib/federation/connection-form.schema";
import { adminAction, formValues, requestContext } from "@/lib/http";
import type { AdminFormState } from "@/components/admin/types";
import { applicationFormValues } from "./form-state";

const LIST = "/admin/applications";

function idOf(form: FormData): string {
  const id = form.get("id");
  return typeof id === "string" ? id.slice(0, 64) : "";
}

/** The application the form is about, and the page to come back to after signing in again. */
const anApplication = {
  permission: "applications:write",
  returnTo: (_prev: AdminFormState, form: FormData) => `${LIST}/${idOf(form)}`,
} as const;

/**
 * The application form: checked here with the domain's schema (its messages by field), then handed
 * to the domain as typed, which parses it again; the typed values travel back to the form.
 */
const applicationForm = {
  schema: z.object({ id: z.string(), raw: z.record(z.string(), z.unknown()), values: z.record(z.string(), z.string()) }).superRefine(({ raw }, ctx) => {
    const parsed = applicationInputSchema.safeParse(raw);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }),
  input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), raw: applicationInputFromForm(form), values: applicationFormValues(form) }),
  echo: (_prev: AdminFormState, form: FormData) => applicationFormValues(form),
};

/** Buttons about one application. */
const applicationButton = {
  schema: z.object({ id: z.string() }),
  input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form) }),
};

export const createApplicationAction = adminAction({ ...applicationForm, permission: "applications:write", returnTo: `${LIST}/new` }, async ({ raw }, actor): Promise<AdminFormState> => {
  const { application, clientSecret } = await createApplication(actor, raw, await requestContext());
  revalidatePath(LIST);
  return { ok: true, message: `${application.name} was created.`, applicationId: application.id, clientId: application.clientId, secret: clientSecret };
});

export const updateApplicationAction = adminAction({ ...applicationForm, ...anApplication }, async ({ id, raw, values }, actor): Promise<AdminFormState> => {
  const { clientSecret } = await updateApplication(actor, id, raw, await requestContext());
  revalidatePath(LIST);
  revalidatePath(`${LIST}/${id}`);
  return { ok: true, message: "Changes saved.", values, secret: clientSecret };
});

export const setApplicationDisabledAction = adminAction(
  { ...anApplication, schema: z.object({ id: z.string(), disabled: z.boolean() }), input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), disabled: form.get("disabled") === "true" }) },
  async ({ id, disabled }, actor): Promise<AdminFormState> => {
    await setApplicationDisabled(actor, id, disabled, await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: disabled ? "The application is disabled." : "The application is enabled." };
  },
);

export const rotateClientSecretAction = adminAction({ ...anApplication, ...applicationButton }, async ({ id }, actor): Promise<AdminFormState> => {
  const { clientSecret } = await rotateClientSecret(actor, id, await requestContext());
  revalidatePath(`${LIST}/${id}`);
  return { ok: true, secret: clientSecret };
});

export const deleteApplicationAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), confirm: z.literal("delete", { error: "Confirm the deletion first." }) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), confirm: form.get("confirm") }),
    invalid: () => ({ message: "Confirm the deletion first." }),
  },
  async ({ id }, actor): Promise<AdminFormState> => {
    await deleteApplication(actor, id, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}?deleted=1`);
  },
);

export const createInitialAccessTokenAction = adminAction(
  {
    permission: "applications:write",
    returnTo: LIST,
    schema: initialAccessTokenFormSchema,
    input: (_prev: AdminFormState, form: FormData) => ({ label: form.get("label"), ttl: form.get("ttl"), multiUse: form.get("multiUse") }),
    echo: (_prev, form) => formValues(form, ["label", "ttl", "multiUse"]),
  },
  async ({ label, ttl, multiUse }, actor): Promise<AdminFormState> => {
    const { token } = await createInitialAccessToken(actor, label, ttl, await requestContext(), { multiUse });
    revalidatePath(LIST);
    return { ok: true, secret: token };
  },
);

export const revokeInitialAccessTokenAction = adminAction({ ...applicationButton, permission: "applications:write", returnTo: LIST }, async ({ id }, actor): Promise<AdminFormState> => {
  await revokeInitialAccessToken(actor, id, await requestContext());
  revalidatePath(LIST);
  return { ok: true };
});

const mappingRow = z.object({ attribute: z.string().max(200), claim: z.string().max(300), targets: z.array(z.string().max(20)).max(3) });

export const setClaimMappingsAction = adminAction(
  {
    ...anApplication,
    // Named as the form's field array: a refusal here (a tampered post) shows above the rows.
    schema: z.object({ id: z.string(), mappings: z.array(mappingRow).max(MAX_CLAIM_MAPPINGS + 1, `At most ${MAX_CLAIM_MAPPINGS} mappings.`) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), mappings: claimMappingRowsFromForm(form) }),
    echo: (_prev, form) => claimMappingEcho(claimMappingRowsFromForm(form)),
  },
  async ({ id, mappings }, actor): Promise<AdminFormState> => {
    await setClaimMappings(actor, id, mappings, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Claim mapping saved." };
  },
);

export const setProfilingPolicyAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), lines: z.string().max(20_000, "Too long."), remindAfterDays: z.string().max(12) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), lines: form.get("profilingPolicy") ?? "", remindAfterDays: form.get("remindAfterDays") ?? "" }),
    echo: (_prev, form) => formValues(form, ["profilingPolicy", "remindAfterDays"]),
  },
  async ({ id, lines, remindAfterDays }, actor): Promise<AdminFormState> => {
    const days = /^\s*\d{1,6}\s*$/.test(remindAfterDays) ? Number(remindAfterDays) : NaN;
    await setProfilingPolicy(actor, id, lines, days, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Profiling policy saved." };
  },
);

export const setAdminScopesAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), scopes: z.array(z.string().max(100)).max(20) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), scopes: form.getAll("adminScopes") }),
  },
  async ({ id, scopes }, actor): Promise<AdminFormState> => {
    await setApplicationAdminScopes(actor, id, scopes, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Admin API access saved." };
  },
);

/** The connections its login page offers, in order (chosen among existing ones; managing them is connections:write). */
export const setApplicationConnectionsAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), connectionIds: z.array(z.string().max(64)).max(500) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), connectionIds: applicationConnectionOrderFromForm(form) }),
  },
  async ({ id, connectionIds }, actor): Promise<AdminFormState> => {
    const offered = await setApplicationConnections(actor, id, connectionIds, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: offered.length ? `Sign-in connections saved: ${offered.map((c) => c.name).join(", ")}.` : "The login page offers no other connection now." };
  },
);

// ---- Roles (lib/applications roles.ts) ----------------------------------------------------------

const field = (form: FormData, name: string, max: number) => {
  const v = form.get(name);
  return typeof v === "string" ? v.slice(0, max) : "";
};

/** The claims the application receives roles and groups in, and whether signing in needs a role; the domain checks the names. */
export const setRoleClaimsAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), rolesClaim: z.string(), groupsClaim: z.string(), requireRole: z.boolean() }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), rolesClaim: field(form, "rolesClaim", 300), groupsClaim: field(form, "groupsClaim", 300), requireRole: form.get("requireRole") === "on" }),
    echo: (_prev: AdminFormState, form: FormData) => ({ rolesClaim: field(form, "rolesClaim", 300), groupsClaim: field(form, "groupsClaim", 300), requireRole: form.get("requireRole") === "on" ? "on" : "" }),
  },
  async ({ id, ...claims }, actor): Promise<AdminFormState> => {
    await setRoleClaims(actor, id, claims, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Role claims saved." };
  },
);

export const createRoleAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), name: z.string(), description: z.string() }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), name: field(form, "name", 200), description: field(form, "description", 1000) }),
    echo: (_prev: AdminFormState, form: FormData) => ({ name: field(form, "name", 200), description: field(form, "description", 1000) }),
  },
  async ({ id, name, description }, actor): Promise<AdminFormState> => {
    const role = await createApplicationRole(actor, id, { name, description }, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: `Role ${role.name} added.` };
  },
);

const aRole = {
  schema: z.object({ id: z.string(), roleId: z.string().max(64) }),
  input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), roleId: field(form, "roleId", 64) }),
};

export const deleteRoleAction = adminAction({ ...anApplication, ...aRole }, async ({ id, roleId }, actor): Promise<AdminFormState> => {
  await deleteApplicationRole(actor, id, roleId, await requestContext());
  revalidatePath(`${LIST}/${id}`);
  return { ok: true, message: "Role deleted." };
});

/** Gives a role to an account (by its address) or a group (by its name). */
export const assignRoleAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), roleId: z.string().max(64), holderType: z.enum(["user", "group"], { error: "Choose a user or a group." }), holder: z.string().trim().min(1, "Enter an address or a group name.") }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), roleId: field(form, "roleId", 64), holderType: field(form, "holderType", 10), holder: field(form, "holder", 300) }),
    echo: (_prev: AdminFormState, form: FormData) => ({ holderType: field(form, "holderType", 10), holder: field(form, "holder", 300) }),
  },
  async ({ id, roleId, holderType, holder }, actor): Promise<AdminFormState> => {
    const to = holderType === "user" ? { email: holder } : { groupName: holder };
    try {
      const added = await assignApplicationRoleByName(actor, id, roleId, to, await requestContext());
      revalidatePath(`${LIST}/${id}`);
      return { ok: true, message: added ? `Role given to ${holder}.` : `${holder} already holds this role.` };
    } catch (e) {
      // The domain names the field it checked (email, groupName): this form has one, holder.
      if (e instanceof ApplicationError && e.code === "invalid_input") return { message: e.message, fieldErrors: { holder: e.message }, values: { holderType, holder } };
      throw e;
    }
  },
);

export const unassignRoleAction = adminAction(
  {
    ...anApplication,
    schema: z.object({ id: z.string(), roleId: z.string().max(64), userId: z.string().max(64), groupId: z.string().max(64) }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: idOf(form), roleId: field(form, "roleId", 64), userId: field(form, "userId", 64), groupId: field(form, "groupId", 64) }),
  },
  async ({ id, roleId, userId, groupId }, actor): Promise<AdminFormState> => {
    await unassignApplicationRole(actor, id, roleId, userId ? { userId } : { groupId }, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Role taken back." };
  },
);
