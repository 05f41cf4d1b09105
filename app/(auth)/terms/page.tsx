import type { Metadata } from "next";
import { LegalPage } from "@/components/legal/legal-page";

export const metadata: Metadata = { title: "Terms of service" };
export const dynamic = "force-dynamic";

/** The current version, or ?version=N (lib/legal). */
export default async function TermsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return <LegalPage kind="terms" versionParam={(await searchParams).version} />;
}
