"use server";
// Server actions of the console's user page: each through the administrator's wrapper with the
// permission it needs (lib/http adminAction), then the domain function, which checks it again
// against this customer (segment scopes) and refuses an administrator's own account where it must.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction, requestContext, type FormState } from "@/lib/http";
import { listAttributeDefinitions, updateProfile } from "@/lib/profile";
import { profileInputFromForm, profileSchema } from "@/lib/profile/profile.schema";
import { attributeField, attributeInputFromForm } from "@/lib/profile/attributes.schema";
import { revokeApplicationAccessByAdmin } from "@/lib/oidc";
import { deleteAccountNow, disableAndSignOut, scheduleDeletionByAdmin, signOutEverywhereByAdmin } from "@/lib/sign-in";
import {
  adminResetSecondFactors,
  enableAccount,
  lockAccountByAdmin,
  requirePasswordReset,
  sendPasswordResetLink,
  setEmailVerified,
  unlockAccountByAdmin,
  type Permission,
} from "@/lib/users";

function userIdOf(form: FormData): string {
  const id = form.get("userId");
  return typeof id === "string" ? id.slice(0, 64) : "";
}

const pageOf = (userId: string) => `/admin/users/${encodeURIComponent(userId)}`;

/** A button about one customer: the permission it needs, the page to come back to after signing in again. */
function onUser(permission: Permission) {
  return {
    permission,
    returnTo: (_prev: FormState, form: FormData) => pageOf(userIdOf(form)),
    schema: z.object({ userId: z.string().min(1) }),
    input: (_prev: FormState, form: FormData) => ({ userId: userIdOf(form) }),
  };
}

function done(userId: string, message: string): FormState {
  revalidatePath(pageOf(userId));
  return { ok: true, message };
}

/** Every posted `attr.` field and the standard ones, kept when the save is refused. */
function profileEcho(form: FormData): Record<string, string> {
  const custom = [...form.entries()].filter(([k, v]) => k.startsWith(attributeField("")) && typeof v === "string").slice(0, 200);
  return { ...profileInputFromForm(form), ...Object.fromEntries(custom.map(([k, v]) => [k, (v as string).slice(0, 2000)])) };
}

/** Bound to the customer's id by the page (the portal's profile form posts no id of its own). */
export const updateUserProfileAction = adminAction(
  {
    permission: "users:write",
    returnTo: (userId: string) => pageOf(userId),
    // The portal's schema: one validation for every write path (lib/profile parses the attributes by their definitions, for the admin writer).
    schema: profileSchema.extend({ userId: z.string().min(1), attributes: z.record(z.string(), z.string()) }),
    input: async (userId: string, _prev: FormState, form: FormData) => ({ userId, ...profileInputFromForm(form), attributes: attributeInputFromForm(form, await listAttributeDefinitions(), "admin") }),
    echo: (_userId, _prev, form) => profileEcho(form),
  },
  async ({ userId, attributes, ...input }, actor): Promise<FormState> => {
    const { changed } = await updateProfile(actor, userId, input, await requestContext(), { values: attributes, source: "form" });
    return done(userId, changed.length ? `Saved: ${changed.length} field${changed.length === 1 ? "" : "s"} changed.` : "Nothing changed.");
  },
);

export const verifyEmailAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  await setEmailVerified(actor, userId, true, await requestContext());
  return done(userId, "The address is marked as verified.");
});

export const unverifyEmailAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  await setEmailVerified(actor, userId, false, await requestContext());
  return done(userId, "The address must be confirmed again: the customer can ask for a new link from the portal.");
});

export const disableUserAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  const out = await disableAndSignOut(actor, userId, await requestContext());
  return done(userId, `The account is disabled. ${out.sessionsRevoked} session(s) ended, ${out.grantsRevoked} application grant(s) revoked.`);
});

export const enableUserAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  await enableAccount(actor, userId, await requestContext());
  return done(userId, "The account is enabled again.");
});

export const lockUserAction = adminAction(
  {
    ...onUser("users:write"),
    schema: z.object({ userId: z.string().min(1), minutes: z.coerce.number().int() }),
    input: (_prev: FormState, form: FormData) => ({ userId: userIdOf(form), minutes: form.get("minutes") }),
  },
  async ({ userId, minutes }, actor) => {
    const { lockedUntil } = await lockAccountByAdmin(actor, userId, minutes, await requestContext());
    return done(userId, `Sign-in is locked until ${lockedUntil.toISOString().slice(0, 16).replace("T", " ")} UTC.`);
  },
);

export const unlockUserAction = adminAction(onUser("users:unlock"), async ({ userId }, actor) => {
  await unlockAccountByAdmin(actor, userId, await requestContext());
  return done(userId, "The account is unlocked.");
});

export const requirePasswordResetAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  await requirePasswordReset(actor, userId, await requestContext());
  return done(userId, "A new password is required at the next sign-in; a reset link was emailed.");
});

export const sendResetLinkAction = adminAction(onUser("users:send_reset"), async ({ userId }, actor) => {
  await sendPasswordResetLink(actor, userId, await requestContext());
  return done(userId, "A password reset link was emailed to the customer.");
});

export const signOutEverywhereAction = adminAction(onUser("users:write"), async ({ userId }, actor) => {
  const out = await signOutEverywhereByAdmin(actor, userId, await requestContext());
  return done(userId, `Signed out everywhere: ${out.sessionsRevoked} session(s) ended, ${out.grantsRevoked} application grant(s) revoked.`);
});

export const revokeApplicationAction = adminAction(
  {
    ...onUser("users:write"),
    schema: z.object({ userId: z.string().min(1), clientId: z.string().min(1).max(200) }),
    input: (_prev: FormState, form: FormData) => ({ userId: userIdOf(form), clientId: form.get("clientId") }),
  },
  async ({ userId, clientId }, actor) => {
    const { grantsRevoked } = await revokeApplicationAccessByAdmin(actor, userId, clientId, await requestContext());
    return done(userId, `The application's access was removed (${grantsRevoked} grant(s) revoked).`);
  },
);

export const resetFactorsAction = adminAction(onUser("users:reset_factors"), async ({ userId }, actor) => {
  const { removed } = await adminResetSecondFactors(actor, userId, await requestContext());
  return done(userId, `Two-step verification is off: ${removed} sign-in method(s), the recovery codes and remembered browsers were removed.`);
});

export const scheduleDeletionAction = adminAction(onUser("users:delete"), async ({ userId }, actor) => {
  const { erasureDueAt } = await scheduleDeletionByAdmin(actor, userId, await requestContext());
  return done(userId, `The account is disabled and will be erased on ${erasureDueAt.toISOString().slice(0, 10)} unless its owner cancels.`);
});

export const deleteNowAction = adminAction(
  {
    ...onUser("users:delete"),
    schema: z.object({ userId: z.string().min(1), confirmation: z.string().min(1, "Type the account's email address.").max(254) }),
    input: (_prev: FormState, form: FormData) => ({ userId: userIdOf(form), confirmation: form.get("confirmation") }),
    echo: (_prev: FormState, form: FormData) => ({ confirmation: String(form.get("confirmation") ?? "").slice(0, 254) }),
  },
  async ({ userId, confirmation }, actor): Promise<FormState> => {
    await deleteAccountNow(actor, userId, confirmation, await requestContext());
    // No revalidation: the page of an erased account is a 404; the message links back to the list.
    revalidatePath("/admin/users");
    return { ok: true, message: "The account was erased." };
  },
);
