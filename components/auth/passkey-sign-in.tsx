"use client";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } from "@simplewebauthn/browser";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { authenticateWithPasskey } from "./passkey-ceremony";
import type { PasskeyOptionsState } from "./passkey-types";

const secondaryButton =
  "w-full rounded-lg px-4 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-60 dark:ring-slate-600 dark:hover:bg-slate-800";

const noChanges = () => () => {};

/**
 * Passwordless sign-in: a button, and the browser's autofill (WebAuthn conditional mediation),
 * which offers this site's passkeys in the email field's suggestions while the page is open.
 */
export function PasskeySignIn({ optionsAction, signInAction, next }: { optionsAction: () => Promise<PasskeyOptionsState>; signInAction: (response: unknown, next: string) => Promise<FormState>; next: string }) {
  // False on the server and in browsers without WebAuthn: then there is no button at all.
  const supported = useSyncExternalStore(noChanges, browserSupportsWebAuthn, () => false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const finish = (result: FormState | null) => {
    if (result?.redirectTo) window.location.assign(result.redirectTo);
    else if (result?.message) setMessage(result.message);
  };

  // One autofill request per page: the page re-renders after the sign-in action sets its cookies,
  // and a second request answered at once (as a device with one passkey may) would sign in again,
  // ending the session the first one had just started.
  const autofillStarted = useRef(false);
  useEffect(() => {
    if (autofillStarted.current || !browserSupportsWebAuthn()) return;
    autofillStarted.current = true;
    void browserSupportsWebAuthnAutofill().then(async (autofill) => {
      if (autofill) finish(await authenticateWithPasskey(optionsAction, (r) => signInAction(r, next), true));
    });
  }, [optionsAction, signInAction, next]);

  if (!supported) return null;
  return (
    <div className="space-y-3">
      {message ? <Alert tone="error">{message}</Alert> : null}
      <button
        type="button"
        className={secondaryButton}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setMessage(null);
          // Starting this ceremony aborts the pending autofill one (one WebAuthn request at a time).
          const result = await authenticateWithPasskey(optionsAction, (r) => signInAction(r, next));
          setBusy(false);
          finish(result);
        }}
      >
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
    </div>
  );
}

/** The second step with a passkey (after the password). */
export function PasskeySecondStep({ optionsAction, verifyAction }: { optionsAction: () => Promise<PasskeyOptionsState>; verifyAction: (response: unknown, trust: boolean) => Promise<FormState> }) {
  const [busy, setBusy] = useState(false);
  const [trust, setTrust] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="space-y-5">
      {message ? <Alert tone="error">{message}</Alert> : null}
      <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
        <input type="checkbox" checked={trust} onChange={(e) => setTrust(e.target.checked)} className="h-4 w-4 rounded border-slate-300" />
        Trust this device for 30 days (do not use on a shared computer)
      </label>
      <button
        type="button"
        autoFocus
        disabled={busy}
        className="w-full rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
        onClick={async () => {
          setBusy(true);
          setMessage(null);
          const result = await authenticateWithPasskey(optionsAction, (r) => verifyAction(r, trust));
          setBusy(false);
          if (result?.redirectTo) window.location.assign(result.redirectTo);
          else if (result?.message) setMessage(result.message);
        }}
      >
        {busy ? "Waiting for your passkey…" : "Use your passkey"}
      </button>
    </div>
  );
}
