"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { answerProfilePrompt } from "@/lib/oidc";
import { isWellFormedInteractionId } from "@/lib/formats";
import { attributeField } from "@/lib/profile/attributes.schema";
import { customerAction, interactionBinding, requestContext, tickedPurposes, tickedPurposesEcho, type FormState } from "@/lib/http";

const PREFIX = attributeField("");

/** The posted `attr.` fields by attribute name (bounded: the page asks at most a policy's attributes). */
function answersOf(form: FormData): Record<string, string> {
  const entries = [...form.entries()].filter(([k, v]) => k.startsWith(PREFIX) && typeof v === "string").slice(0, 50);
  return Object.fromEntries(entries.map(([k, v]) => [k.slice(PREFIX.length), (v as string).slice(0, 2000)]));
}

export const answerProfilePromptAction = customerAction(
  {
    schema: z.object({ interaction: z.string().max(64), skip: z.boolean(), values: z.record(z.string(), z.string()), consents: z.record(z.string(), z.number().int().positive()), scripted: z.boolean() }),
    input: (_prev: FormState, form: FormData) => ({
      interaction: String(form.get("interaction") ?? ""),
      skip: form.get("decision") === "skip",
      values: answersOf(form),
      consents: tickedPurposes(form),
      scripted: form.get("js") === "1",
    }),
    echo: (_prev, form) => ({
      ...Object.fromEntries(Object.entries(answersOf(form)).map(([k, v]) => [attributeField(k), v])),
      ...tickedPurposesEcho(form),
    }),
    returnTo: "/login",
    signedOutMessage: "Your session has ended. Go back to the application and sign in again; nothing was saved.",
  },
  async ({ interaction, skip, values, consents, scripted }, session): Promise<FormState> => {
    // Only the browser and user the interaction is bound to may answer it (lib/oidc/authorize.ts ownInteraction).
    const ok = isWellFormedInteractionId(interaction) && (await answerProfilePrompt(session.user, { interactionId: interaction, binding: await interactionBinding(), values, consents, skip }, await requestContext()));
    const target = ok ? `/oauth2/authorize?interaction=${interaction}` : "/authorize-error?reason=expired_interaction";
    // As the sign-in form: a scripted form navigates by itself; without JavaScript, a plain 303.
    if (scripted) return { ok: true, redirectTo: target };
    redirect(target);
  },
);
