import type { Metadata } from "next";
import { LegalPage } from "@/components/legal/legal-page";

export const metadata: Metadata = { title: "Privacy notice" };
export const dynamic = "force-dynamic";

/** The current version, or ?version=N (lib/legal). */
export default async function PrivacyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <LegalPage kind="privacy" versionParam={(await searchParams).version} />;
}
