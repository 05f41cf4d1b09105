// Progressive profiling during sign-in: an application's policy (Application.profilingPolicy, lib/profile
// profiling.schema.ts) names the custom attributes it needs and the consent purposes it offers.
// authorize() asks profilingOutcome() after sign-in and before consent; the hosted page
// /login/profile shows the questions (getProfilePrompt) and posts the answers (answerProfilePrompt):
// attributes are saved through updateProfile (the same attribute schema as every other write),
// consents through giveConsent (a signed receipt each), before the authorization resumes.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findClientByClientId, type ApplicationDto } from "@/lib/applications";
import { giveConsent, listPurposes } from "@/lib/consents";
import { listAttributeDefinitions, ProfileError, updateProfile, type AttributeDefinition } from "@/lib/profile";
import { purposeQuestionKey } from "@/lib/profile/profiling.schema";
import type { Actor } from "@/lib/users";
import { authorizeParamsSchema, ownInteraction } from "./authorize";
import { parseScope } from "./scopes.schema";
import { upsertSkips, withTransaction } from "./profiling.repo";
import { profilingOutcome } from "./profiling-policy";

export interface ProfilePromptQuestion {
  definition: AttributeDefinition;
  blocking: boolean;
}

/** A consent purpose offered on the page: its current text, never pre-ticked (GDPR art. 4(11), 7). */
export interface ProfilePromptPurpose {
  key: string;
  name: string;
  version: number;
  text: string;
  dataCategories: string[];
  retention: string;
  thirdParty: string | null;
  /** The customer consented to an earlier text. */
  renewal: boolean;
}

export interface ProfilePrompt {
  clientName: string;
  /** Both empty: nothing (left) to ask; the authorization continues. */
  questions: ProfilePromptQuestion[];
  purposes: ProfilePromptPurpose[];
  /** "Not now" is offered only when every question may be skipped. */
  skippable: boolean;
}

async function promptOf(interactionId: string, binding: string | null | undefined, userId: string, now: Date): Promise<{ client: ApplicationDto; prompt: ProfilePrompt } | null> {
  const stored = await ownInteraction(interactionId, binding, userId, now);
  if (!stored) return null;
  const client = await findClientByClientId(stored.clientId);
  if (!client || client.disabled) return null;
  const scopes = parseScope(authorizeParamsSchema.parse(stored.params).scope);
  const decision = await profilingOutcome(client, userId, now, scopes);
  if (!decision) return { client, prompt: { clientName: client.name, questions: [], purposes: [], skippable: true } };
  const [definitions, allPurposes] = await Promise.all([decision.ask.length ? listAttributeDefinitions() : [], decision.offer.length ? listPurposes() : []]);
  const questions = decision.ask.flatMap((r) => {
    const definition = definitions.find((d) => d.name === r.attribute);
    return definition ? [{ definition, blocking: r.blocking }] : [];
  });
  const purposes = decision.offer.flatMap((key) => {
    const p = allPurposes.find((x) => x.key === key);
    if (!p) return [];
    const renewal = decision.renewals.includes(key);
    return [{ key, name: p.name, version: p.current.version, text: p.current.text, dataCategories: p.dataCategories, retention: p.retention, thirdParty: p.thirdParty, renewal }];
  });
  return { client, prompt: { clientName: client.name, questions, purposes, skippable: !decision.blocking } };
}

/** The hosted page's questions for an interaction; null unless it is this browser's and user's. */
export async function getProfilePrompt(interactionId: string, binding: string | null | undefined, userId: string): Promise<ProfilePrompt | null> {
  return (await promptOf(interactionId, binding, userId, new Date()))?.prompt ?? null;
}

export interface ProfileAnswer {
  interactionId: string;
  binding: string | null | undefined;
  /** The posted values by attribute name (form strings; "" unanswered). */
  values: Record<string, string>;
  /** The ticked purposes: key to the version of the text the page showed. */
  consents?: Record<string, number>;
  /** "Not now": skip every (skippable) question. */
  skip: boolean;
}

/**
 * The customer's answers on the hosted page. Only the questions asked now are written: attributes
 * through updateProfile (the attribute schema: a wrong value is refused beside its field, nothing
 * saved), ticked purposes through giveConsent for the text the page showed. A blocking question
 * left empty is refused; a skippable one left empty, a purpose left unticked, or "Not now", records
 * a skip (audited `profile.prompt_skipped`). Returns false when the interaction is not this
 * browser's and user's (or expired); true when the authorization may continue.
 */
export async function answerProfilePrompt(actor: Actor, answer: ProfileAnswer, ctx: RequestContext, now = new Date()): Promise<boolean> {
  const found = await promptOf(answer.interactionId, answer.binding, actor.id, now);
  if (!found) return false;
  const { client, prompt } = found;
  if (prompt.questions.length === 0 && prompt.purposes.length === 0) return true;
  const filled = (name: string) => (answer.values[name] ?? "").trim() !== "";
  if (answer.skip && !prompt.skippable) {
    throw new ProfileError("invalid_attributes", "Answer the required questions to continue.");
  }
  const missing = answer.skip ? [] : prompt.questions.filter((q) => q.blocking && !filled(q.definition.name));
  if (missing.length) {
    const fieldErrors = Object.fromEntries(missing.map((q) => [`attr.${q.definition.name}`, `${q.definition.label}: answer this to continue.`]));
    throw new ProfileError("invalid_attributes", "Check the highlighted fields; nothing was saved.", undefined, { fieldErrors });
  }
  const answered = answer.skip ? [] : prompt.questions.filter((q) => filled(q.definition.name));
  if (answered.length) {
    const values = Object.fromEntries(answered.map((q) => [q.definition.name, answer.values[q.definition.name] ?? ""]));
    await updateProfile(actor, actor.id, {}, ctx, { values, source: "form", partial: true });
  }
  const ticked = answer.consents ?? {};
  const consented = answer.skip ? [] : prompt.purposes.filter((p) => ticked[p.key] !== undefined);
  for (const p of consented) {
    await giveConsent(actor.id, { purpose: p.key, version: ticked[p.key] }, { method: "sign_in", context: ctx, now });
  }
  const skipped = [
    ...prompt.questions.filter((q) => !q.blocking && !answered.includes(q)).map((q) => q.definition.name),
    ...prompt.purposes.filter((p) => !consented.includes(p)).map((p) => purposeQuestionKey(p.key)),
  ];
  if (skipped.length) {
    await withTransaction(async (tx) => {
      await upsertSkips(actor.id, client.clientId, skipped, now, tx);
      await recordAudit(
        {
          actor: { type: "user", id: actor.id },
          action: "profile.prompt_skipped",
          target: { type: "client", id: client.clientId },
          result: "success",
          context: ctx,
          details: { attributes: skipped.filter((k) => !k.startsWith("purpose:")), purposes: prompt.purposes.filter((p) => !consented.includes(p)).map((p) => p.key), remindAfterDays: client.profilingPolicy?.remindAfterDays ?? null },
        },
        tx,
      );
    });
  }
  return true;
}
