"use server";
// Server actions of the groups console: the console's wrapper checks the administrator (strong
// second factor, recent sign-in, groups:write); lib/groups checks again (tenant-wide for the group
// itself, users:write over the customer for a member) and validates.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { addMember, createGroup, deleteGroup, removeMember, renameGroup } from "@/lib/groups";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const LIST = "/admin/groups";

const field = (form: FormData, name: string, max: number) => {
  const value = form.get(name);
  return typeof value === "string" ? value.slice(0, max) : "";
};
const idOf = (form: FormData) => field(form, "id", 64);

/** The group the form is about, and the page to come back to after signing in again. */
const aGroup = { permission: "groups:write", returnTo: (_prev: FormState, form: FormData) => `${LIST}/${idOf(form)}` } as const;

export const createGroupAction = adminAction(
  {
    permission: "groups:write",
    returnTo: LIST,
    // A string only here; lib/groups holds the rules (groupNameSchema).
    schema: z.object({ displayName: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ displayName: field(form, "displayName", 1000) }),
    echo: (_prev: FormState, form: FormData) => formValues(form, ["displayName"]),
  },
  async ({ displayName }, actor): Promise<FormState> => {
    const group = await createGroup(actor, displayName, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}/${group.id}?created=1`);
  },
);

export const renameGroupAction = adminAction(
  {
    ...aGroup,
    schema: z.object({ id: z.string(), displayName: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), displayName: field(form, "displayName", 1000) }),
    echo: (_prev: FormState, form: FormData) => formValues(form, ["displayName"]),
  },
  async ({ id, displayName }, actor): Promise<FormState> => {
    const group = await renameGroup(actor, id, displayName, await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: `The group is now named ${group.displayName}.`, values: { displayName: group.displayName } };
  },
);

export const deleteGroupAction = adminAction(
  {
    ...aGroup,
    schema: z.object({ id: z.string(), confirm: z.literal("on", { error: "Tick the box to confirm." }) }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), confirm: form.get("confirm") }),
  },
  async ({ id }, actor): Promise<FormState> => {
    const { displayName } = await deleteGroup(actor, id, await requestContext());
    revalidatePath(LIST);
    redirect(`${LIST}?deleted=${encodeURIComponent(displayName)}`);
  },
);

export const addMemberAction = adminAction(
  {
    ...aGroup,
    schema: z.object({ id: z.string(), email: z.string().trim().min(1, "Enter the account's email address.") }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), email: field(form, "email", 320) }),
    echo: (_prev: FormState, form: FormData) => formValues(form, ["email"]),
  },
  async ({ id, email }, actor): Promise<FormState> => {
    const member = await addMember(actor, id, email, await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: `${member.email} added.` };
  },
);

export const removeMemberAction = adminAction(
  {
    ...aGroup,
    schema: z.object({ id: z.string(), userId: z.string() }),
    input: (_prev: FormState, form: FormData) => ({ id: idOf(form), userId: field(form, "userId", 64) }),
  },
  async ({ id, userId }, actor): Promise<FormState> => {
    await removeMember(actor, id, userId, await requestContext());
    revalidatePath(LIST);
    revalidatePath(`${LIST}/${id}`);
    return { ok: true, message: "Member removed." };
  },
);
