"use server";
// Server actions of the provisioning console: SCIM bearer tokens made and revoked. Each one checks
// the administrator itself through the console's wrapper (lib/http adminAction: strong second
// factor, two-factor session, sign-in from the last 15 minutes, the permission) and the domain
// checks again.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createProvisioningToken, provisioningTokenInputSchema, revokeProvisioningToken } from "@/lib/provisioning";
import { adminAction, formValues, requestContext } from "@/lib/http";
import type { AdminFormState } from "@/components/admin/types";

const PAGE = "/admin/provisioning";

/** The new token comes back once, in the form state; the page never stores it. */
export const createProvisioningTokenAction = adminAction(
  {
    permission: "provisioning:write",
    returnTo: PAGE,
    // The domain's own schema, so the form and the operator's command line follow one rule.
    schema: provisioningTokenInputSchema,
    input: (_prev: AdminFormState, form: FormData) => ({ name: form.get("name") ?? "", write: form.get("write") === "on", sendInvitations: form.get("sendInvitations") === "on", lifetimeDays: form.get("lifetimeDays") ?? "" }),
    echo: (_prev, form) => formValues(form, ["name", "write", "sendInvitations", "lifetimeDays"]),
  },
  async (input, actor): Promise<AdminFormState> => {
    const issued = await createProvisioningToken({ admin: actor }, input, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Token for ${issued.name} created.`, secret: issued.token };
  },
);

export const revokeProvisioningTokenAction = adminAction(
  {
    permission: "provisioning:write",
    returnTo: PAGE,
    schema: z.object({ id: z.string().max(64) }),
    input: (_prev: AdminFormState, form: FormData) => {
      const id = form.get("id");
      return { id: typeof id === "string" ? id : "" };
    },
  },
  async ({ id }, actor): Promise<AdminFormState> => {
    await revokeProvisioningToken(actor, id, await requestContext());
    revalidatePath(PAGE);
    return { ok: true };
  },
);
