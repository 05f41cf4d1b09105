import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ProfilePromptForm } from "@/components/auth/profile-prompt-form";
import { getProfilePrompt } from "@/lib/oidc";
import { isWellFormedInteractionId } from "@/lib/formats";
import { interactionBinding, requireSession } from "@/lib/http";
import { answerProfilePromptAction } from "./actions";

export const metadata: Metadata = { title: "A few details" };

// Progressive profiling (lib/oidc/profiling.ts): the application's policy asks for attributes the
// customer has not given yet. Reached from /oauth2/authorize, which resumes afterwards.
export default async function ProfilePromptPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { interaction } = await searchParams;
  const id = typeof interaction === "string" && isWellFormedInteractionId(interaction) ? interaction : "";
  if (!id) redirect("/authorize-error?reason=expired_interaction");
  const session = await requireSession(`/login/profile?interaction=${id}`);
  // Only the browser and user the interaction is bound to see its questions.
  const prompt = await getProfilePrompt(id, await interactionBinding(), session.user.id);
  if (!prompt) redirect("/authorize-error?reason=expired_interaction");
  if (prompt.questions.length === 0 && prompt.purposes.length === 0) redirect(`/oauth2/authorize?interaction=${id}`);
  return (
    <AuthCard title={`${prompt.clientName} needs a few details`} subtitle={`Signed in as ${session.user.email}`}>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {prompt.questions.length ? "Details are saved to your profile. " : ""}
        {prompt.purposes.length ? "Agreeing is up to you: you can withdraw it at any time from your account's privacy page. " : ""}
        You can change all of it later from your account.
      </p>
      <ProfilePromptForm action={answerProfilePromptAction} interaction={id} questions={prompt.questions} purposes={prompt.purposes} skippable={prompt.skippable} />
    </AuthCard>
  );
}
