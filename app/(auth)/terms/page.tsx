import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Terms of service" };

// Placeholder text: each deployment replaces it with its own.
export default function Page() {
  return (
    <AuthCard title="Terms of service">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        This Portico deployment has not published its terms of service yet. Contact the operator of this site for details.
      </p>
    </AuthCard>
  );
}
