import type { ReactNode } from "react";
import { AuthCard } from "@/components/auth/auth-card";
import { ConfirmForm } from "@/components/auth/simple-form";
import type { FormState } from "@/lib/http/form-action";

/**
 * The page a mailed link opens (verify, unlock, cancel a change, "this wasn't me"): the link's token
 * carried into a form and one button. A button, not the link itself: mail scanners open links,
 * they do not press buttons.
 */
export function MailedLinkCard({
  token,
  title,
  subtitle,
  action,
  label,
  pendingLabel,
  done,
}: {
  /** The `token` query parameter as it came (a repeated or missing one posts an empty token, which the action refuses). */
  token: string | string[] | undefined;
  title: string;
  subtitle: ReactNode;
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  done: { href: string; label: string };
}) {
  return (
    <AuthCard title={title} subtitle={subtitle}>
      <ConfirmForm action={action} hidden={{ token: typeof token === "string" ? token.slice(0, 100) : "" }} label={label} pendingLabel={pendingLabel} done={done} />
    </AuthCard>
  );
}
