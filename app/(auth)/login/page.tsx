import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { Alert } from "@/components/ui/alert";
import { connectionsOffered, currentSession, FEDERATION_ERROR_MESSAGES, safeNextPath } from "@/lib/http";
import { ConnectionButtons } from "@/components/auth/connection-buttons";
import { PasskeySignIn } from "@/components/auth/passkey-sign-in";
import { loginAction, passkeySignInAction, passkeySignInOptionsAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : undefined);
  // force=1: an application asked for a fresh sign-in (prompt=login, max_age), so show the form anyway.
  // Right after a sign-in action Next renders this page again inside the action's response (the
  // session cookie changed): no redirect then. The form stays mounted and navigates the window
  // itself; a redirect here would make the router fetch `next` in the background, and for
  // /oauth2/authorize that is a second, competing request.
  const renderingAfterAction = (await headers()).has("next-action");
  if (params.force !== "1" && !renderingAfterAction && (await currentSession())) redirect(next);
  const email = typeof params.email === "string" ? params.email.slice(0, 254) : undefined;
  const federationError = typeof params.federation_error === "string" ? (FEDERATION_ERROR_MESSAGES[params.federation_error] ?? FEDERATION_ERROR_MESSAGES.unexpected) : null;
  const connections = (await connectionsOffered(next)).map((c) => ({ slug: c.slug, name: c.name }));
  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back. Sign in to continue."
      footer={
        <>
          New here?{" "}
          <Link href="/register" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Create an account
          </Link>
        </>
      }
    >
      {params.signedOut ? <Alert tone="success">You are signed out.</Alert> : null}
      {params.declined ? (
        <Alert tone="info">You are not signed in: using your account needs the updated terms accepted. You can read them any time and sign in again to accept them.</Alert>
      ) : null}
      {params.expired ? <Alert tone="error">This sign-in has expired. Sign in again.</Alert> : null}
      {federationError ? <Alert tone="error">{federationError}</Alert> : null}
      <LoginForm action={loginAction} next={next} email={email} />
      <ConnectionButtons connections={connections} next={next} />
      <div className="mt-5">
        <PasskeySignIn optionsAction={passkeySignInOptionsAction} signInAction={passkeySignInAction} next={next} />
      </div>
    </AuthCard>
  );
}
