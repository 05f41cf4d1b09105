// Progressive profiling during sign-in: an application's policy (Application.profilingPolicy, lib/profile
// profiling.schema.ts) names the custom attributes it needs. authorize() asks profilingOutcome()
// after sign-in and before consent; the hosted page /login/profile shows the questions
// (getProfilePrompt) and posts the answers (answerProfilePrompt), which are saved through
// updateProfile (the same attribute schema as every other write) before the authorization resumes.
import "server-only";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { findClientByClientId, type ApplicationDto } from "@/lib/applications";
import { listAttributeDefinitions, ProfileError, updateProfile, type AttributeDefinition } from "@/lib/profile";
import type { Actor } from "@/lib/users";
import { ownInteraction } from "./authorize";
import { upsertSkips, withTransaction } from "./profiling.repo";
import { profilingOutcome } from "./profiling-policy";

export interface ProfilePromptQuestion {
  definition: AttributeDefinition;
  blocking: boolean;
}

export interface ProfilePrompt {
  clientName: string;
  /** Empty: nothing (left) to ask; the authorization continues. */
  questions: ProfilePromptQuestion[];
  /** "Not now" is offered only when every question may be skipped. */
  skippable: boolean;
}

async function promptOf(interactionId: string, binding: string | null | undefined, userId: string, now: Date): Promise<{ client: ApplicationDto; prompt: ProfilePrompt } | null> {
  const stored = await ownInteraction(interactionId, binding, userId, now);
  if (!stored) return null;
  const client = await findClientByClientId(stored.clientId);
  if (!client || client.disabled) return null;
  const decision = await profilingOutcome(client, userId, now);
  if (!decision) return { client, prompt: { clientName: client.name, questions: [], skippable: true } };
  const definitions = await listAttributeDefinitions();
  const questions = decision.ask.flatMap((r) => {
    const definition = definitions.find((d) => d.name === r.attribute);
    return definition ? [{ definition, blocking: r.blocking }] : [];
  });
  return { client, prompt: { clientName: client.name, questions, skippable: !decision.blocking } };
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
  /** "Not now": skip every (skippable) question. */
  skip: boolean;
}

/**
 * The customer's answers on the hosted page. Only the questions asked now are written, through
 * updateProfile (the attribute schema: a wrong value is refused beside its field, nothing saved). A
 * blocking question left empty is refused; a skippable one left empty, or "Not now", records a skip
 * (audited `profile.prompt_skipped`). Returns false when the interaction is not this browser's and
 * user's (or expired); true when the authorization may continue.
 */
export async function answerProfilePrompt(actor: Actor, answer: ProfileAnswer, ctx: RequestContext, now = new Date()): Promise<boolean> {
  const found = await promptOf(answer.interactionId, answer.binding, actor.id, now);
  if (!found) return false;
  const { client, prompt } = found;
  if (prompt.questions.length === 0) return true;
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
  const skipped = prompt.questions.filter((q) => !q.blocking && !answered.includes(q)).map((q) => q.definition.name);
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
          details: { attributes: skipped, remindAfterDays: client.profilingPolicy?.remindAfterDays ?? null },
        },
        tx,
      );
    });
  }
  return true;
}
