import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { AuthCard } from "@/components/auth/auth-card";
import { FederatedLinkForm } from "@/components/auth/federated-forms";
import { Alert } from "@/components/ui/alert";
import { pendingFederatedLink } from "@/lib/http";
import { federatedLinkAction } from "../actions";

export const metadata: Metadata = { title: "Link your account" };
export const dynamic = "force-dynamic";

export default async function FederatedLinkPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const pending = await pendingFederatedLink(typeof token === "string" ? token : null);
  // Right after the form's action Next renders this page again inside the action's response: the
  // step is used up by then, and the form must stay mounted to navigate to where the action said.
  if (!pending && (await headers()).has("next-action")) {
    return (
      <AuthCard title="Link your account" subtitle="">
        <FederatedLinkForm action={federatedLinkAction} token="" email="" connection="" />
      </AuthCard>
    );
  }
  if (!pending || typeof token !== "string" || !pending.identity.email) {
    return (
      <AuthCard title="Link your account" subtitle="">
        <Alert tone="error">This link has expired or was already used. Start again from the sign-in page.</Alert>
        <Link href="/login" className="mt-4 block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Go to sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Link your account" subtitle={`You signed in with ${pending.connection.name}.`}>
      <FederatedLinkForm action={federatedLinkAction} token={token} email={pending.identity.email} connection={pending.connection.name} />
    </AuthCard>
  );
}
