"use server";
import { redirect } from "next/navigation";
import { decideConsent } from "@/lib/oidc";
import { currentSession, requestContext } from "@/lib/http";

export async function consentAction(form: FormData): Promise<void> {
  const interaction = String(form.get("interaction") ?? "").slice(0, 64);
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(`/consent?interaction=${interaction}`)}`);
  const ok = await decideConsent(interaction, session.user.id, form.get("decision") === "allow", await requestContext());
  redirect(ok ? `/oauth2/authorize?interaction=${encodeURIComponent(interaction)}` : "/authorize-error?reason=expired_interaction");
}
