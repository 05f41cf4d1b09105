import type { Metadata } from "next";
import Link from "next/link";
import { UnverifiedBanner } from "@/components/portal/resend-verification";
import { requireSession } from "@/lib/http";
import { pendingEmailChange } from "@/lib/users";
import { resendVerificationAction } from "@/app/(auth)/verify-email/actions";
import { ChangeEmailForm } from "@/components/portal/change-email-form";
import { PendingEmailChange } from "@/components/portal/pending-email-change";
import { cancelPendingEmailChangeAction, changeEmailAction } from "./actions";
import { surface } from "@/components/ui/styles";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const session = await requireSession("/account");
  const { user } = session;
  const pending = await pendingEmailChange(user.id);
  return (
    <>
      {!user.emailVerified ? <UnverifiedBanner email={user.email} action={resendVerificationAction} /> : null}
      <h1 className="text-2xl font-semibold tracking-tight">Hello{user.displayName ? `, ${user.displayName}` : ""}</h1>
      <p className="mt-1 text-slate-600 dark:text-slate-400">
        You are signed in as <strong data-testid="account-email">{user.email}</strong>.
      </p>
      <dl className="mt-8 grid gap-4 sm:grid-cols-2">
        <div className={`${surface} p-4`}>
          <dt className="text-sm text-slate-500">Email</dt>
          <dd className="mt-1 font-medium">{user.emailVerified ? "Verified" : "Not verified yet"}</dd>
        </div>
        <div className={`${surface} p-4`}>
          <dt className="text-sm text-slate-500">This session</dt>
          <dd className="mt-1 font-medium">
            Started <time dateTime={session.createdAt.toISOString()}>{session.createdAt.toUTCString()}</time>
          </dd>
        </div>
      </dl>
      <section aria-labelledby="change-email" className="mt-10">
        <h2 id="change-email" className="text-lg font-semibold">Change your email</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600 dark:text-slate-400">
          Your address changes only when you open the link we send to the new one. We also tell this address, with a way to cancel.
        </p>
        {pending ? <PendingEmailChange email={pending.email} expiresAt={pending.expiresAt} action={cancelPendingEmailChangeAction} /> : null}
        <ChangeEmailForm action={changeEmailAction} />
      </section>
      <section aria-labelledby="delete-account" className="mt-10">
        <h2 id="delete-account" className="text-lg font-semibold">Delete your account</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Close the account now and have its data erased after a grace period.{" "}
          <Link href="/account/delete" className="font-medium text-red-700 hover:underline dark:text-red-400">
            Delete my account
          </Link>
        </p>
      </section>
    </>
  );
}
