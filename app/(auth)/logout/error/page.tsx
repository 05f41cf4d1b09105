import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { Alert } from "@/components/ui/alert";

export const metadata: Metadata = { title: "Sign-out request not accepted" };

// Fixed texts per reason: nothing from the request is reflected into the page.
const MESSAGES: Record<string, string> = {
  malformed_request: "The sign-out request was malformed.",
  invalid_id_token_hint: "The sign-out request carried an ID token that Portico did not issue or that was altered.",
  client_mismatch: "The sign-out request named two different applications.",
  unknown_client: "The sign-out request came from an unknown or disabled application.",
  unregistered_post_logout_redirect_uri: "The application asked to return to an address it has not registered with Portico.",
  post_logout_redirect_uri_without_client: "The sign-out request asked to return to an address without saying which application it came from.",
};

export default async function RpLogoutErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { reason } = await searchParams;
  // Own keys only: "__proto__" or "constructor" would otherwise pick Object's and break the page.
  const message = (typeof reason === "string" && Object.hasOwn(MESSAGES, reason) && MESSAGES[reason]) || MESSAGES.malformed_request;
  return (
    <AuthCard title="Sign-out request not accepted" subtitle="For your safety, Portico did not send you back to the application.">
      <Alert tone="error">{message}</Alert>
      <Link href="/logout" className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        Sign out of Portico
      </Link>
    </AuthCard>
  );
}
