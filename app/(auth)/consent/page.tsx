import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { getConsentRequest, SCOPE_DESCRIPTIONS, isKnownScope } from "@/lib/oidc";
import { interactionBinding, requireSession } from "@/lib/http";

export const metadata: Metadata = { title: "Allow access" };

export default async function ConsentPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { interaction } = await searchParams;
  const id = typeof interaction === "string" ? interaction.slice(0, 64) : "";
  const session = await requireSession(`/consent?interaction=${id}`);
  // Only the browser and user the interaction is bound to see its consent screen.
  const request = id ? await getConsentRequest(id, await interactionBinding(), session.user.id) : null;
  if (!request) redirect("/authorize-error?reason=expired_interaction");
  return (
    <AuthCard title={`${request.clientName} wants to access your account`} subtitle={`Signed in as ${session.user.email}`}>
      <p className="text-sm text-slate-700 dark:text-slate-300">This will allow {request.clientName} to:</p>
      <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800 dark:text-slate-200" data-testid="consent-scopes">
        {request.scopes.filter(isKnownScope).map((s) => (
          <li key={s}>{SCOPE_DESCRIPTIONS[s]}</li>
        ))}
      </ul>
      <p className="text-xs text-slate-500">You can withdraw this access at any time from your account.</p>
      <form method="post" action="/consent/decision" className="grid grid-cols-2 gap-3">
        <input type="hidden" name="interaction" value={id} />
        <Button type="submit" name="decision" value="deny" variant="secondary">
          Deny
        </Button>
        <Button type="submit" name="decision" value="allow">
          Allow
        </Button>
      </form>
    </AuthCard>
  );
}
