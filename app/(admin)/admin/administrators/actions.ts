"use server";
// Role assignment: the wrapper checks the console bar and roles:write; the domain checks again,
// and that the role given is within what the administrator holds.
import { revalidatePath } from "next/cache";
import { grantRole, revokeRole } from "@/lib/users";
import { grantInputSchema } from "@/lib/users/roles.schema";
import { adminAction, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/administrators";

const grantFrom = (form: FormData) => ({
  user: String(form.get("user") ?? ""),
  role: String(form.get("role") ?? ""),
  scope: String(form.get("scope") ?? ""),
});

export const grantRoleAction = adminAction(
  {
    permission: "roles:write",
    returnTo: PAGE,
    schema: grantInputSchema,
    input: (_prev: FormState, form: FormData) => grantFrom(form),
    echo: (_prev, form) => grantFrom(form),
  },
  async (grant, actor): Promise<FormState> => {
    const added = await grantRole(actor, grant, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: added ? "The role was given. They were told by email." : "They already hold this role." };
  },
);

export const revokeRoleAction = adminAction(
  {
    permission: "roles:write",
    returnTo: PAGE,
    schema: grantInputSchema,
    input: (_prev: FormState, form: FormData) => grantFrom(form),
  },
  async (grant, actor): Promise<FormState> => {
    await revokeRole(actor, grant, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: "The role was removed." };
  },
);
