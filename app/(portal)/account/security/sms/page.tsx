import type { Metadata } from "next";
import { SetupFinished } from "@/components/portal/setup-finished";
import { ConfirmFactorForm } from "@/components/portal/recovery-codes";
import { ResendEnrolmentCodeForm } from "@/components/portal/add-phone";
import { requireSession, safeNextPath } from "@/lib/http";
import { pendingSmsEnrolment } from "@/lib/factors";
import { confirmSmsAction, resendSmsCodeAction } from "../actions";

export const metadata: Metadata = { title: "Confirm your phone number" };

export default async function SmsSetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requireSession("/account/security");
  const { user } = session;
  const params = await searchParams;
  const next = typeof params.next === "string" ? safeNextPath(params.next) : undefined;
  const enrolment = typeof params.factor === "string" ? await pendingSmsEnrolment({ id: user.id, email: user.email }, params.factor) : null;
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Confirm your phone number</h1>
      {enrolment ? (
        <div className="mt-6 max-w-sm space-y-5">
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="sms-sent-to">
            We texted a six-digit code to {enrolment.sentTo}. It is valid for 10 minutes.
          </p>
          <ConfirmFactorForm
            action={confirmSmsAction}
            factorId={enrolment.factorId}
            next={next}
            codeLabel="Code from the text message"
            enabledMessage="Your phone number is set up. Signing in can now send a code to it."
          >
            <ResendEnrolmentCodeForm action={resendSmsCodeAction} factorId={enrolment.factorId} />
          </ConfirmFactorForm>
        </div>
      ) : (
        <SetupFinished />
      )}
    </>
  );
}
