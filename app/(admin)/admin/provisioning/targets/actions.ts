"use server";
// Server actions of the outbound provisioning console: SCIM targets Portico pushes users to. Each
// checks the administrator through the console's wrapper (provisioning:write, strong second factor,
// recent sign-in); lib/provisioning checks the permission again, validates (each problem beside its
// field) and audits. The bearer token is never echoed back into a form.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createTarget, deleteTarget, reconcileTargetNow, replaceTargetToken, setTargetEnabled, syncTargetNow, updateTarget } from "@/lib/provisioning";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const LIST = "/admin/provisioning/targets";

const field = (form: FormData, name: string, max: number) => {
  const value = form.get(name);
  return typeof value === "string" ? value.slice(0, max) : "";
};
const idOf = (form: FormData) => field(form, "id", 64);

/** The fields of a target (the domain holds the rules); the token is apart. */
const TARGET_FIELDS = ["name", "baseUrl", "mapping", "scope", "scopeGroup", "scopeApplicationId", "onLeave"] as const;
const targetFields = (form: FormData) => ({
  name: field(form, "name", 1000),
  baseUrl: field(form, "baseUrl", 4000),
  mapping: field(form, "mapping", 20_000),
  scope: field(form, "scope", 32) as "all",
  scopeGroup: field(form, "scopeGroup", 1000),
  scopeApplicationId: field(form, "scopeApplicationId", 200),
  onLeave: field(form, "onLeave", 32) as "deactivate",
});
const anyStrings = z.record(z.string(), z.string());

/** The target the form is about, and the page to come back to after signing in again. */
const aTarget = { permission: "provisioning:write", returnTo: (_prev: FormState, form: FormData) => `${LIST}/${idOf(form)}` } as const;

export const createTargetAction = adminAction(
  {
    permission: "provisioning:write",
    returnTo: LIST,
    schema: anyStrings,
    input: (_prev: FormState, form: FormData) => ({ ...targetFields(form), token: field(form, "token", 8000), enabled: form.get("enabled") === "on" ? "on" : "" }),
    echo: (_prev: FormState, form: FormData) => formValues(form, [...TARGET_FIELDS, "enabled"]),
  },
  async (input, actor): Promise<FormState> => {
    const { id } = await createTarget(actor, { ...(input as ReturnType<typeof targetFields>), token: input.token ?? "", enabled: input.enabled === "on" }, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}/${id}?created=1`);
  },
);

export const updateTargetAction = adminAction(
  {
    ...aTarget,
    schema: anyStrings,
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), ...targetFields(form), token: field(form, "token", 8000) }),
    echo: (_prev: FormState, form: FormData) => formValues(form, [...TARGET_FIELDS]),
  },
  async ({ id, token, ...input }, actor): Promise<FormState> => {
    const { queued } = await updateTarget(actor, id ?? "", { ...(input as ReturnType<typeof targetFields>), token: token ?? "" }, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: queued ? `Saved. ${queued} ${queued === 1 ? "user is" : "users are"} being synchronised.` : "Saved." };
  },
);

export const replaceTargetTokenAction = adminAction(
  {
    ...aTarget,
    schema: z.object({ id: z.string(), token: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), token: field(form, "token", 8000) }),
  },
  async ({ id, token }, actor): Promise<FormState> => {
    await replaceTargetToken(actor, id, token, await requestContext());
    return { ok: true, message: "Token replaced." };
  },
);

export const setTargetEnabledAction = adminAction(
  {
    ...aTarget,
    schema: z.object({ id: z.string(), enabled: z.enum(["1", "0"]) }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), enabled: field(form, "enabled", 1) }),
  },
  async ({ id, enabled }, actor): Promise<FormState> => {
    const { queued } = await setTargetEnabled(actor, id, enabled === "1", await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: enabled === "1" ? `Enabled: ${queued} ${queued === 1 ? "user" : "users"} queued for the initial sync.` : "Disabled: nothing more is pushed." };
  },
);

export const syncTargetNowAction = adminAction(
  {
    ...aTarget,
    schema: z.object({ id: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form) }),
  },
  async ({ id }, actor): Promise<FormState> => {
    const { queued } = await syncTargetNow(actor, id, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: `${queued} ${queued === 1 ? "user" : "users"} queued.` };
  },
);

export const reconcileTargetNowAction = adminAction(
  {
    ...aTarget,
    schema: z.object({ id: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form) }),
  },
  async ({ id }, actor): Promise<FormState> => {
    const { queued } = await reconcileTargetNow(actor, id, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: `Reconciliation started: ${queued} ${queued === 1 ? "user" : "users"} queued in the first batch.` };
  },
);

export const deleteTargetAction = adminAction(
  {
    ...aTarget,
    schema: z.object({ id: z.string(), confirm: z.literal("on", { error: "Tick the box to confirm." }) }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), confirm: form.get("confirm") }),
  },
  async ({ id }, actor): Promise<FormState> => {
    await deleteTarget(actor, id, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}?deleted=1`);
  },
);
