"use client";
import Link from "next/link";
import { useActionState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/**
 * A form whose only job is to confirm an action (verify, unlock, sign out). Links in mail lead to a
 * page with this button rather than acting on GET: mail scanners prefetch links, people should decide.
 */
export function ConfirmForm({
  action,
  hidden,
  label,
  pendingLabel,
  done,
  children,
}: {
  action: Action;
  hidden?: Record<string, string>;
  label: string;
  pendingLabel: string;
  done?: { href: string; label: string };
  children?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        {done ? (
          <Link href={done.href} className="block text-center text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            {done.label}
          </Link>
        ) : null}
      </div>
    );
  }
  return (
    <form action={formAction} className="space-y-5">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children}
      <Button type="submit" disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </form>
  );
}
