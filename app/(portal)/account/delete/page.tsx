import type { Metadata } from "next";
import { requireSession } from "@/lib/http";
import { config } from "@/lib/config";
import { DeleteAccountForm } from "@/components/portal/delete-account-form";
import { deleteAccountAction } from "./actions";

export const metadata: Metadata = { title: "Delete your account" };

export default async function DeleteAccountPage() {
  const session = await requireSession("/account/delete");
  const days = config().ACCOUNT_DELETION_GRACE_DAYS;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Delete your account</h1>
      <div className="mt-4 max-w-xl space-y-3 text-slate-700 dark:text-slate-300">
        <p>Deleting your account closes it at once: every session ends, this one too, and applications can no longer use it.</p>
        <p>
          {days} days later we erase your profile, sign-in methods, consents and history. Until then, the link we email you keeps the account.
          Our security log keeps a record of what happened to the account, without your email address or the places you signed in from.
        </p>
      </div>
      <DeleteAccountForm action={deleteAccountAction} email={session.user.email} />
    </>
  );
}
