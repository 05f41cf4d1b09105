"use server";
// Server actions of the webhooks console. Each one checks the administrator itself through the
// console's wrapper (lib/http adminAction: strong second factor, two-factor session, a recent
// sign-in, the permission) and the domain checks again (webhooks:write).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createSubscription, deleteSubscription, replayDelivery, replaySince, rotateSubscriptionSecret, sendTestEvent, setSubscriptionEnabled, updateSubscription } from "@/lib/webhooks";
import { adminAction, formValues, requestContext } from "@/lib/http";
import type { AdminFormState } from "@/components/admin/types";

const PAGE = "/admin/webhooks";
const pageOf = (id: string) => `${PAGE}/${/^[0-9a-f-]{36}$/i.test(id) ? id : ""}`;
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};
const fields = (form: FormData) => ({ url: text(form, "url"), description: text(form, "description"), eventTypes: form.getAll("eventTypes").filter((v): v is string => typeof v === "string") });
const echo = (_prev: AdminFormState, form: FormData) => ({ ...formValues(form, ["url", "description"]), eventTypes: form.getAll("eventTypes").join(",").slice(0, 2000) });
// The domain validates the fields (one rule for the console and the admin API); here only their shape.
const subscriptionForm = z.object({ url: z.string(), description: z.string(), eventTypes: z.array(z.string()) });
const idForm = z.object({ id: z.string().max(64) });
const idInput = (_prev: AdminFormState, form: FormData) => ({ id: text(form, "id") });

/** The secret comes back once, in the form state; the page never stores it. */
export const createWebhookAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: subscriptionForm, input: (_prev: AdminFormState, form: FormData) => fields(form), echo },
  async (input, actor): Promise<AdminFormState> => {
    const { subscription, secret } = await createSubscription({ admin: actor }, input, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `Subscription to ${subscription.url} created.`, secret };
  },
);

export const updateWebhookAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: subscriptionForm.extend({ id: z.string().max(64) }), input: (_prev: AdminFormState, form: FormData) => ({ ...fields(form), id: text(form, "id") }), echo },
  async ({ id, ...input }, actor): Promise<AdminFormState> => {
    await updateSubscription({ admin: actor }, id, input, await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: "Saved." };
  },
);

export const setWebhookEnabledAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: z.object({ id: z.string().max(64), enabled: z.enum(["true", "false"]) }), input: (_prev: AdminFormState, form: FormData) => ({ id: text(form, "id"), enabled: text(form, "enabled") }) },
  async ({ id, enabled }, actor): Promise<AdminFormState> => {
    const s = await setSubscriptionEnabled({ admin: actor }, id, enabled === "true", await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: s.enabled ? "Enabled." : "Disabled." };
  },
);

export const rotateWebhookSecretAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: idForm, input: idInput },
  async ({ id }, actor): Promise<AdminFormState> => {
    const { secret } = await rotateSubscriptionSecret({ admin: actor }, id, await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: "New secret. The previous one keeps signing beside it for 24 hours.", secret };
  },
);

export const sendWebhookTestAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: idForm, input: idInput },
  async ({ id }, actor): Promise<AdminFormState> => {
    await sendTestEvent({ admin: actor }, id, await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: "A webhook.test event is on its way." };
  },
);

export const deleteWebhookAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: idForm, input: idInput },
  async ({ id }, actor): Promise<AdminFormState> => {
    await deleteSubscription({ admin: actor }, id, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: "Deleted." };
  },
);

export const replayWebhookDeliveryAction = adminAction(
  { permission: "webhooks:write", returnTo: PAGE, schema: z.object({ id: z.string().max(64), deliveryId: z.string().max(64) }), input: (_prev: AdminFormState, form: FormData) => ({ id: text(form, "id"), deliveryId: text(form, "deliveryId") }) },
  async ({ id, deliveryId }, actor): Promise<AdminFormState> => {
    await replayDelivery({ admin: actor }, id, deliveryId, await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: "Queued." };
  },
);

export const replayWebhookSinceAction = adminAction(
  {
    permission: "webhooks:write",
    returnTo: PAGE,
    // datetime-local: "YYYY-MM-DDTHH:MM", read as UTC (the field says so).
    schema: z.object({ id: z.string().max(64), since: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "Give a date and time.") }),
    input: (_prev: AdminFormState, form: FormData) => ({ id: text(form, "id"), since: text(form, "since") }),
    echo: (_prev, form) => formValues(form, ["since"]),
  },
  async ({ id, since }, actor): Promise<AdminFormState> => {
    const r = await replaySince({ admin: actor }, id, new Date(`${since}Z`), await requestContext());
    revalidatePath(pageOf(id));
    return { ok: true, message: r.queued ? `${r.queued} event${r.queued === 1 ? "" : "s"} queued${r.truncated ? " (the most one replay sends; replay again from the last one for the rest)" : ""}.` : "No events of its types since then." };
  },
);
