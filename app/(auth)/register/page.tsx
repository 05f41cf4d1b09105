import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { RegisterForm } from "@/components/auth/register-form";
import { currentVersions } from "@/lib/legal";
import { purposesOfferedAtRegistration } from "@/lib/consents";
import type { OfferedPurpose } from "@/components/auth/purpose-consent-checkbox";
import { registerAction } from "./actions";

export const metadata: Metadata = { title: "Create your account" };

export const dynamic = "force-dynamic";

export default async function RegisterPage() {
  const [current, offered] = await Promise.all([currentVersions(), purposesOfferedAtRegistration()]);
  // Each purpose an administrator offers here, at its current text; the boxes start unticked (GDPR art. 7).
  const purposes: OfferedPurpose[] = offered.map((p) => ({ key: p.key, name: p.name, version: p.current.version, text: p.current.text, dataCategories: p.dataCategories, retention: p.retention, thirdParty: p.thirdParty }));
  const documents = [current.terms?.id, current.privacy?.id].filter((id): id is string => Boolean(id));
  return (
    <AuthCard
      title="Create your account"
      subtitle="One account for every application that uses Portico."
      footer={
        <>
          Already have an account?{" "}
          <Link href="/login" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Sign in
          </Link>
        </>
      }
    >
      <RegisterForm action={registerAction} documents={documents} purposes={purposes} />
    </AuthCard>
  );
}
