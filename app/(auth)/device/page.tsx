import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { DeviceFlow } from "@/components/auth/device-flow";
import { requireSession } from "@/lib/http";
import { decideDeviceAction, enterDeviceCodeAction } from "./actions";

export const metadata: Metadata = { title: "Connect a device" };

export default async function DevicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user_code } = await searchParams;
  // verification_uri_complete (RFC 8628 §3.3.1) pre-fills the code; the user still confirms it.
  const code = typeof user_code === "string" ? user_code.slice(0, 32) : "";
  const session = await requireSession(code ? `/device?user_code=${encodeURIComponent(code)}` : "/device");
  return (
    <AuthCard title="Connect a device" subtitle={`Enter the code shown on your TV, console or other device. You are signed in as ${session.user.email}.`}>
      <DeviceFlow initialCode={code} enterCode={enterDeviceCodeAction} decide={decideDeviceAction} />
    </AuthCard>
  );
}
