"use server";
// Server actions of the connections console: the console's wrapper checks the administrator (strong
// second factor, recent sign-in, connections:write); the form is checked with the same function
// the browser used (checkConnectionForm), and the domain checks the permission and parses again
// (a SAML identity provider's metadata only there: its problems come back on the metadata's field).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createConnection, deleteConnection, FederationError, setConnectionDomains, updateConnection } from "@/lib/federation";
import { checkConnectionForm, connectionFormEcho, connectionValuesFromForm, domainListFromText, type ConnectionFormMode, type ConnectionFormValues } from "@/lib/federation/connection-form.schema";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const LIST = "/admin/connections";

const idOf = (form: FormData) => {
  const id = form.get("id");
  return typeof id === "string" ? id.slice(0, 64) : "";
};

/** The connection the form is about, and the page to come back to after signing in again. */
const aConnection = { permission: "connections:write", returnTo: (_prev: FormState, form: FormData) => `${LIST}/${idOf(form)}` } as const;

const connectionForm = {
  schema: z.object({ id: z.string(), values: z.custom<ConnectionFormValues>((v) => typeof v === "object" && v !== null) }),
  input: (_prev: FormState, form: FormData) => ({ id: idOf(form), values: connectionValuesFromForm(form) }),
  // Never the secret: a refused form asks for it again.
  echo: (_prev: FormState, form: FormData) => connectionFormEcho(connectionValuesFromForm(form)),
};

/** The form's values as the connection input, or its problems by field (the browser's own check, run again). */
function checked(values: ConnectionFormValues, mode: ConnectionFormMode) {
  const result = checkConnectionForm(values, mode);
  if (!result.ok) throw new FederationError("invalid_input", "Check the highlighted fields.", { fieldErrors: result.fieldErrors });
  return result.input;
}

export const createConnectionAction = adminAction({ ...connectionForm, permission: "connections:write", returnTo: `${LIST}/new` }, async ({ values }, actor): Promise<FormState> => {
  const connection = await createConnection(actor, checked(values, "create"), await requestContext());
  revalidatePath(LIST);
  redirect(`${LIST}/${connection.id}?created=1`);
});

export const updateConnectionAction = adminAction({ ...connectionForm, ...aConnection }, async ({ id, values }, actor): Promise<FormState> => {
  const connection = await updateConnection(actor, id, checked(values, "update"), await requestContext());
  revalidatePath(LIST);
  revalidatePath(`${LIST}/${id}`);
  // The form still shows the box as ticked or not: say when the metadata turned signing on.
  const signingForced = connection.settings?.protocol === "saml" && connection.settings.signAuthnRequests && !values.signAuthnRequests;
  return { ok: true, message: `${connection.name} is saved.${signingForced ? " Its metadata asks for signed requests: Portico signs them." : ""}` };
});

export const setConnectionDomainsAction = adminAction(
  {
    ...aConnection,
    schema: z.object({ id: z.string(), domains: z.string().max(30_000, "Too long.") }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), domains: form.get("domains") ?? "" }),
    echo: (_prev, form) => formValues(form, ["domains"]),
  },
  async ({ id, domains }, actor): Promise<FormState> => {
    const saved = await setConnectionDomains(actor, id, domainListFromText(domains), await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: saved.length ? `Home realm domains saved (${saved.length}).` : "No domain goes straight to this connection now." };
  },
);

export const deleteConnectionAction = adminAction(
  {
    ...aConnection,
    schema: z.object({ id: z.string(), confirm: z.literal("on", { error: "Tick the box to confirm." }) }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), confirm: form.get("confirm") }),
  },
  async ({ id }, actor): Promise<FormState> => {
    const { linkedIdentitiesRemoved } = await deleteConnection(actor, id, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}?deleted=${linkedIdentitiesRemoved}`);
  },
);
