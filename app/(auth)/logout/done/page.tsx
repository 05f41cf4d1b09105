import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { Alert } from "@/components/ui/alert";

export const metadata: Metadata = { title: "Signed out" };

export default function SignedOutPage() {
  return (
    <AuthCard title="You are signed out">
      <Alert tone="success">You have signed out of Portico. You can close this window.</Alert>
      <Link href="/login" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Sign in again
      </Link>
    </AuthCard>
  );
}
