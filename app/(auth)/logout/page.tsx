import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { Button } from "@/components/ui/button";
import { currentSession } from "@/lib/http";
import { logoutAction } from "./actions";

export const metadata: Metadata = { title: "Sign out" };

export default async function LogoutPage() {
  const session = await currentSession();
  if (!session) redirect("/login");
  return (
    <AuthCard title="Sign out" subtitle={`You are signed in as ${session.user.email}.`}>
      <form action={logoutAction}>
        <Button type="submit">Sign out</Button>
      </form>
    </AuthCard>
  );
}
