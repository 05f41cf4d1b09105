import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import { Alert } from "@/components/ui/alert";
import { openRpLogoutRequest, postLogoutRedirect } from "@/lib/oidc";
import { currentSession } from "@/lib/http";
import { confirmRpLogoutAction } from "./actions";

export const metadata: Metadata = { title: "Sign out of Portico?" };

export default async function ConfirmRpLogoutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { request: sealed } = await searchParams;
  const request = typeof sealed === "string" ? await openRpLogoutRequest(sealed) : null;
  if (!request) {
    return (
      <AuthCard title="Sign-out request expired">
        <Alert tone="error">This sign-out request is no longer valid. Return to the application and sign out again.</Alert>
        <Link href="/logout" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Sign out of Portico
        </Link>
      </AuthCard>
    );
  }
  const session = await currentSession();
  const destination = postLogoutRedirect(request);
  if (!session) {
    // Already signed out (another tab, or the session expired): nothing to confirm. With a valid
    // id_token_hint the browser goes on at once; without one, only a click here sends it on, so the
    // logout endpoint cannot serve as an open redirector (anyone knows a client's registered URI).
    if (request.hinted || !destination) redirect(destination ?? "/logout/done");
    return (
      <AuthCard title="You are signed out" subtitle={`${request.clientName ?? "The application"} sent you here to sign out of Portico. There is no Portico session in this browser.`}>
        <a href={destination} rel="noreferrer" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Continue to {request.clientName ?? "the application"} ({new URL(destination).host})
        </a>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Sign out of Portico?"
      subtitle={`${request.clientName ? `${request.clientName} asks you to sign out.` : "An application asks you to sign out."} You are signed in as ${session.user.email}.`}
    >
      <ConfirmForm action={confirmRpLogoutAction} hidden={{ request: sealed as string }} label="Sign out" pendingLabel="Signing out…">
        <p className="text-sm text-slate-600 dark:text-slate-400">Signing out ends your Portico session in this browser and signs you out of the applications that use it.</p>
      </ConfirmForm>
      <Link href="/account" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Stay signed in
      </Link>
    </AuthCard>
  );
}
