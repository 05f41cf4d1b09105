import type { Metadata } from "next";
import Link from "next/link";
import { ApplicationForm } from "@/components/admin/application-form";
import { requireAdmin } from "@/lib/http";
import { TTL_LIMITS } from "@/lib/applications/applications.schema";
import { createApplicationAction } from "../actions";

export const metadata: Metadata = { title: "New application" };

export default async function NewApplicationPage() {
  await requireAdmin("/admin/applications/new", { permission: "applications:write" });
  const initial = {
    type: "confidential",
    grantTypes: "authorization_code\nrefresh_token",
    tokenEndpointAuthMethod: "",
    idTokenSignedResponseAlg: "ES256",
    accessTokenTtlSeconds: String(TTL_LIMITS.accessTokenTtlSeconds.default),
    refreshTokenTtlSeconds: String(TTL_LIMITS.refreshTokenTtlSeconds.default),
    firstParty: "",
    mfaPolicy: "default",
  };
  return (
    <>
      <Link href="/admin/applications" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        ← Applications
      </Link>
      <h1 className="mb-6 mt-2 text-2xl font-semibold tracking-tight">New application</h1>
      <ApplicationForm action={createApplicationAction} mode="create" initial={initial} />
    </>
  );
}
