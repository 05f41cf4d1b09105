"use client";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } from "@simplewebauthn/browser";
import { Alert } from "@/components/ui/alert";
import type { FormState } from "@/lib/http/form-action";
import { answerChallenge, authenticateWithPasskey, cancelPendingCeremony, NO_PASSKEY_OPTIONS } from "./passkey-ceremony";
import type { PasskeyOptionsState } from "./passkey-types";
import { singlePasskeySignIn, type SinglePasskeySignIn } from "./single-passkey-sign-in";

const secondaryButton =
  "w-full rounded-lg px-4 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-60 dark:ring-slate-600 dark:hover:bg-slate-800";

const noChanges = () => () => {};

/**
 * Passwordless sign-in: a button, and the browser's autofill (WebAuthn conditional mediation),
 * which offers this site's passkeys in the email field's suggestions while the page is open. One of
 * them signs in, once (single-passkey-sign-in.ts).
 */
export function PasskeySignIn({ optionsAction, signInAction, next }: { optionsAction: () => Promise<PasskeyOptionsState>; signInAction: (response: unknown, next: string) => Promise<FormState>; next: string }) {
  // False on the server and in browsers without WebAuthn: then there is no button at all.
  const supported = useSyncExternalStore(noChanges, browserSupportsWebAuthn, () => false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  // The page renders again after the sign-in action sets its cookies: the ceremonies outlive that
  // render (one set per page), and call the latest render's actions.
  const props = useRef({ optionsAction, signInAction, next });
  useEffect(() => {
    props.current = { optionsAction, signInAction, next };
  }, [optionsAction, signInAction, next]);
  const ceremonies = useRef<SinglePasskeySignIn | null>(null);
  const ceremoniesOfThisPage = () =>
    (ceremonies.current ??= singlePasskeySignIn({
      options: () => props.current.optionsAction(),
      answer: answerChallenge,
      cancel: cancelPendingCeremony,
      signIn: (response) => props.current.signInAction(response, props.current.next),
      navigate: (url) => window.location.assign(url),
      busy: setBusy,
      message: setMessage,
      noOptionsMessage: NO_PASSKEY_OPTIONS,
    }));

  useEffect(() => {
    if (!browserSupportsWebAuthn()) return;
    void browserSupportsWebAuthnAutofill().then((autofill) => (autofill ? ceremoniesOfThisPage().autofill() : undefined));
  }, []);

  if (!supported) return null;
  return (
    <div className="space-y-3">
      {message ? <Alert tone="error">{message}</Alert> : null}
      <button type="button" className={secondaryButton} disabled={busy} onClick={() => void ceremoniesOfThisPage().button()}>
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
