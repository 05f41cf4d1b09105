"use client";
// The /device page (RFC 8628 §3.3): type the code shown on the device, then approve or deny the
// request after checking which application asks, for what, and that the code matches (§5.4).
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form-action";

export interface DeviceRequestSummary {
  requestId: string;
  userCode: string;
  clientName: string;
  scopes: { scope: string; description: string }[];
}

export type DeviceCodeState = FormState & { request?: DeviceRequestSummary };
/** An approval this session may not give offers the way to one that may (sign in again, set up a factor). */
export type DeviceDecisionState = FormState & { link?: { href: string; label: string } };

type CodeAction = (prev: DeviceCodeState, form: FormData) => Promise<DeviceCodeState>;
type DecideAction = (prev: DeviceDecisionState, form: FormData) => Promise<DeviceDecisionState>;

export function DeviceFlow({ initialCode, enterCode, decide }: { initialCode: string; enterCode: CodeAction; decide: DecideAction }) {
  const [codeState, codeAction, codePending] = useActionState(enterCode, {});
  if (codeState.request) return <DeviceConfirm request={codeState.request} decide={decide} />;
  return (
    <form action={codeAction} noValidate className="space-y-5">
      {codeState.message ? <Alert tone="error">{codeState.message}</Alert> : null}
      <Field
        name="user_code"
        label="Code"
        hint="The code shown on your device, for example BCDF-GHJK."
        defaultValue={codeState.values?.user_code ?? initialCode}
        error={codeState.fieldErrors?.user_code}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        required
        maxLength={32}
        autoFocus
        className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-lg uppercase tracking-widest text-slate-900 shadow-sm outline-none transition focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
      />
      <Button type="submit" disabled={codePending}>
        {codePending ? "Checking…" : "Continue"}
      </Button>
    </form>
  );
}

function DeviceConfirm({ request, decide }: { request: DeviceRequestSummary; decide: DecideAction }) {
  const [state, action, pending] = useActionState(decide, {});
  if (state.ok) return <Alert tone="success">{state.message}</Alert>;
  return (
    <form action={action} className="space-y-5">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      {state.link ? (
        // A plain link: the login page and the security page are full navigations.
        <a href={state.link.href} className="block font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          {state.link.label}
        </a>
      ) : null}
      <input type="hidden" name="request_id" value={request.requestId} />
      <div className="space-y-2 text-sm text-slate-700 dark:text-slate-300">
        <p>
          <strong className="text-slate-900 dark:text-white">{request.clientName}</strong> wants to connect to your account on a device.
        </p>
        <p>
          Check that your device shows the code{" "}
          <span className="whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 font-mono font-semibold tracking-widest text-slate-900 dark:bg-slate-800 dark:text-white">{request.userCode}</span>. If it does
          not, or you did not start this, choose Deny.
        </p>
      </div>
      {request.scopes.length ? (
        <div>
          <p className="text-sm font-medium text-slate-800 dark:text-slate-200">It will be able to:</p>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
            {request.scopes.map((s) => (
              <li key={s.scope}>{s.description}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="submit" name="decision" value="approve" disabled={pending}>
          {pending ? "Working…" : "Approve"}
        </Button>
        <Button type="submit" name="decision" value="deny" variant="secondary" disabled={pending}>
          Deny
        </Button>
      </div>
    </form>
  );
}
