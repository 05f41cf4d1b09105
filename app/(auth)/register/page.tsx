import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { RegisterForm } from "@/components/auth/register-form";
import { currentVersions } from "@/lib/legal";
import { registerAction } from "./actions";

export const metadata: Metadata = { title: "Create your account" };

export const dynamic = "force-dynamic";

export default async function RegisterPage() {
  const current = await currentVersions();
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
      <RegisterForm action={registerAction} documents={documents} />
    </AuthCard>
  );
}
