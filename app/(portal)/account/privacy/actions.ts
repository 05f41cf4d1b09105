"use server";
// Giving and withdrawing consent to a purpose: one button each (GDPR art. 7(3)); lib/consents
// checks the purpose and version, and signs the receipt.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { giveConsent, withdrawConsent } from "@/lib/consents";
import { customerAction, requestContext, type FormState } from "@/lib/http";

const PAGE = "/account/privacy";

const decisionInput = (_prev: FormState, form: FormData) => ({ purpose: String(form.get("purpose") ?? "").slice(0, 100), version: String(form.get("version") ?? "") });
// The domain validates the purpose's key; the version is a positive whole number or absent.
const decisionSchema = z.object({ purpose: z.string(), version: z.string().regex(/^\d{0,7}$/, "Unknown version.").transform((v) => (v ? Number(v) : undefined)) });

export const giveConsentAction = customerAction(
  { schema: decisionSchema, input: decisionInput, returnTo: PAGE, signedOutMessage: "Your session has ended. Sign in again; nothing was changed." },
  async ({ purpose, version }, session): Promise<FormState> => {
    await giveConsent(session.user.id, { purpose, version }, { method: "portal", context: await requestContext() });
    revalidatePath(PAGE);
    return { ok: true, message: "Consent given." };
  },
);

export const withdrawConsentAction = customerAction(
  { schema: decisionSchema, input: decisionInput, returnTo: PAGE, signedOutMessage: "Your session has ended. Sign in again; nothing was changed." },
  async ({ purpose }, session): Promise<FormState> => {
    await withdrawConsent(session.user.id, { purpose }, { method: "portal", context: await requestContext() });
    revalidatePath(PAGE);
    return { ok: true, message: "Consent withdrawn." };
  },
);
