import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { AuthCard } from "@/components/auth/auth-card";
import { FederatedRegisterForm } from "@/components/auth/federated-forms";
import type { OfferedPurpose } from "@/components/auth/purpose-consent-checkbox";
import { Alert } from "@/components/ui/alert";
import { purposesOfferedAtRegistration } from "@/lib/consents";
import { pendingFederatedRegistration } from "@/lib/http";
import { currentVersions } from "@/lib/legal";
import { formValueOf } from "@/lib/profile/attributes.schema";
import { federatedRegisterAction } from "../actions";

export const metadata: Metadata = { title: "Create your account" };
export const dynamic = "force-dynamic";

export default async function FederatedRegisterPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  const pending = await pendingFederatedRegistration(typeof token === "string" ? token : null);
  // Right after the form's action Next renders this page again inside the action's response: the
  // step is used up by then, and the form must stay mounted to navigate to where the action said.
  if (!pending && (await headers()).has("next-action")) {
    return (
      <AuthCard title="Create your account" subtitle="">
        <FederatedRegisterForm action={federatedRegisterAction} token="" profile={{ connection: "", email: "" }} documents={[]} purposes={[]} />
      </AuthCard>
    );
  }
  if (!pending || typeof token !== "string") {
    return (
      <AuthCard title="Create your account" subtitle="">
        <Alert tone="error">This sign-up has expired or was already completed. Start again from the sign-in page.</Alert>
        <Link href="/login" className="mt-4 block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Go to sign in
        </Link>
      </AuthCard>
    );
  }
  const [current, offered] = await Promise.all([currentVersions(), purposesOfferedAtRegistration()]);
  const purposes: OfferedPurpose[] = offered.map((p) => ({ key: p.key, name: p.name, version: p.current.version, text: p.current.text, dataCategories: p.dataCategories, retention: p.retention, thirdParty: p.thirdParty }));
  const documents = [current.terms?.id, current.privacy?.id].filter((id): id is string => Boolean(id));
  const p = pending.identity.profile;
  const str = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : undefined);
  return (
    <AuthCard title="Create your account" subtitle={`You signed in with ${pending.connection.name}. Check what it shared, then create your account.`}>
      <FederatedRegisterForm
        action={federatedRegisterAction}
        token={token}
        profile={{
          connection: pending.connection.name,
          email: pending.identity.email ?? "",
          name: str("name"),
          givenName: str("given_name"),
          familyName: str("family_name"),
          attributes: pending.importedAttributes.filter((a) => a.customerReadable).map((a) => ({ label: a.label, value: formValueOf(a.value) })),
        }}
        documents={documents}
        purposes={purposes}
      />
    </AuthCard>
  );
}
