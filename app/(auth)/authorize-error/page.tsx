import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";

export const metadata: Metadata = { title: "Sign-in request refused" };

// Shown instead of redirecting when the request cannot be answered safely (RFC 6749 §4.1.2.1).
const MESSAGES: Record<string, string> = {
  missing_client_id: "The application did not say who it is (client_id is missing).",
  unknown_client: "The application is not registered with this service, or it has been disabled.",
  invalid_redirect_uri: "The application asked to return to an address it has not registered (redirect_uri).",
  expired_interaction: "This sign-in request has expired. Go back to the application and start again.",
  foreign_interaction: "This sign-in request was started in another browser or by another account. Go back to the application and start again from here.",
  malformed_request: "The application sent a malformed sign-in request.",
  repeated_parameter: "The application sent a malformed sign-in request (a parameter appears twice).",
};

export default async function AuthorizeErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { reason } = await searchParams;
  // Own keys only: "__proto__" or "constructor" would otherwise pick Object's and break the page.
  const key = typeof reason === "string" && Object.hasOwn(MESSAGES, reason) ? reason : "malformed_request";
  return (
    <AuthCard title="We cannot continue this sign-in" subtitle="For your safety we did not send you back to the application.">
      <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="authorize-error" data-reason={key}>
        {MESSAGES[key]}
      </p>
    </AuthCard>
  );
}
