import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Privacy notice" };

// Placeholder text: each deployment replaces it with its own.
export default function Page() {
  return (
    <AuthCard title="Privacy notice">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        This Portico deployment has not published its privacy notice yet. Contact the operator of this site for details.
      </p>
    </AuthCard>
  );
}
