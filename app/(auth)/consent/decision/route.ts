// The consent screen posts here (a plain form POST, Origin-checked by proxy.ts). A route handler, not
// a server action: an action's redirect() into /oauth2/authorize would be pre-rendered by Next inside
// the action's response, running the authorization (and spending the interaction) twice.
import { isWellFormedInteractionId } from "@/lib/formats";
import { decideConsent } from "@/lib/oidc";
import { contextFromHeaders, currentSession, interactionBinding, otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";

const seeOther = (location: string) => new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });

export async function POST(request: Request) {
  const form = await request.formData().catch(() => null);
  const interaction = String(form?.get("interaction") ?? "").slice(0, 64);
  const session = await currentSession();
  if (!session) return seeOther(`/login?next=${encodeURIComponent(`/consent?interaction=${interaction}`)}`);
  // The decision counts only from the browser and user the interaction is bound to (lib/oidc/authorize.ts).
  const ok =
    isWellFormedInteractionId(interaction) &&
    (await decideConsent(interaction, await interactionBinding(), session.user.id, form?.get("decision") === "allow", contextFromHeaders(request.headers)));
  return seeOther(ok ? `/oauth2/authorize?interaction=${interaction}` : "/authorize-error?reason=expired_interaction");
}
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
