"use server";
import { revalidatePath } from "next/cache";
import { withdrawApplicationConsent } from "@/lib/oidc";
import { requestContext, requireSession } from "@/lib/http";

/** Withdraws the user's consent for one application, which also revokes every token it holds for them. */
export async function withdrawAccessAction(form: FormData): Promise<void> {
  const { user } = await requireSession("/account/apps");
  const clientId = String(form.get("client") ?? "").slice(0, 100);
  if (clientId) await withdrawApplicationConsent(user.id, clientId, await requestContext());
  // Three pages list the applications (components/portal/connected-apps.tsx).
  revalidatePath("/account/apps");
  revalidatePath("/account/sessions");
  revalidatePath("/account/privacy");
}
