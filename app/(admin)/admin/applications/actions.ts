"use server";
// Server actions of the applications console. Each one checks the administrator itself through the
// one console wrapper (adminActionActor: strong second factor, two-factor session, sign-in from the
// last 15 minutes; pages are not the only way to reach an action) and the domain checks again.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import {
  createApplication,
  createInitialAccessToken,
  deleteApplication,
  revokeInitialAccessToken,
  rotateClientSecret,
  setApplicationDisabled,
  updateApplication,
} from "@/lib/clients";
import { applicationInputFromForm, applicationInputSchema, initialAccessTokenFormSchema } from "@/lib/clients/clients.schema";
import { adminActionActor, fieldErrorsOf, formValues, requestContext } from "@/lib/http";
import type { AdminFormState } from "@/components/admin/types";
import { applicationFormValues, clientFormError } from "./form-state";

const LIST = "/admin/applications";

const admin = adminActionActor;

function idOf(form: FormData): string {
  const id = form.get("id");
  return typeof id === "string" ? id.slice(0, 64) : "";
}

export async function createApplicationAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const actor = await admin(`${LIST}/new`);
  const values = applicationFormValues(form);
  const input = applicationInputFromForm(form);
  const parsed = applicationInputSchema.safeParse(input);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    const { application, clientSecret } = await createApplication(actor, input, await requestContext());
    revalidatePath(LIST);
    return { ok: true, message: `${application.name} was created.`, applicationId: application.id, clientId: application.clientId, secret: clientSecret };
  } catch (e) {
    return clientFormError(e, values);
  }
}

export async function updateApplicationAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = idOf(form);
  const actor = await admin(`${LIST}/${id}`);
  const values = applicationFormValues(form);
  const input = applicationInputFromForm(form);
  const parsed = applicationInputSchema.safeParse(input);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    const { clientSecret } = await updateApplication(actor, id, input, await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Changes saved.", values, secret: clientSecret };
  } catch (e) {
    return clientFormError(e, values);
  }
}

export async function setApplicationDisabledAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = idOf(form);
  const actor = await admin(`${LIST}/${id}`);
  const disabled = form.get("disabled") === "true";
  try {
    await setApplicationDisabled(actor, id, disabled, await requestContext());
  } catch (e) {
    return clientFormError(e);
  }
  revalidatePath(LIST);
  revalidatePath(`${LIST}/${id}`);
  return { ok: true, message: disabled ? "The application is disabled." : "The application is enabled." };
}

export async function rotateClientSecretAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = idOf(form);
  const actor = await admin(`${LIST}/${id}`);
  try {
    const { clientSecret } = await rotateClientSecret(actor, id, await requestContext());
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, secret: clientSecret };
  } catch (e) {
    return clientFormError(e);
  }
}

export async function deleteApplicationAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = idOf(form);
  const actor = await admin(`${LIST}/${id}`);
  if (form.get("confirm") !== "delete") return { message: "Confirm the deletion first." };
  try {
    await deleteApplication(actor, id, await requestContext());
  } catch (e) {
    return clientFormError(e);
  }
  revalidatePath(LIST);
  redirect(`${LIST}?deleted=1`);
}

export async function createInitialAccessTokenAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const actor = await admin(LIST);
  const values = formValues(form, ["label", "ttl", "multiUse"]);
  const parsed = initialAccessTokenFormSchema.safeParse({ label: form.get("label"), ttl: form.get("ttl"), multiUse: form.get("multiUse") });
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values };
  try {
    const { token } = await createInitialAccessToken(actor, parsed.data.label, parsed.data.ttl, await requestContext(), { multiUse: parsed.data.multiUse });
    revalidatePath(LIST);
    return { ok: true, secret: token };
  } catch (e) {
    return clientFormError(e, values);
  }
}

export async function revokeInitialAccessTokenAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const actor = await admin(LIST);
  try {
    await revokeInitialAccessToken(actor, idOf(form), await requestContext());
  } catch (e) {
    return clientFormError(e);
  }
  revalidatePath(LIST);
  return { ok: true };
}
