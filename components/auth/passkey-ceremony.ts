// One WebAuthn ceremony in the browser, between two server actions: one hands out a fresh
// challenge (stored server-side, single use), the other verifies the browser's signed answer.
import { startAuthentication, startRegistration, WebAuthnAbortService, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { FormState } from "@/lib/http/form-action";
import type { PasskeyCreationOptionsState, PasskeyOptionsState } from "./passkey-types";

/** Why the browser gave no credential, in words; null when a newer ceremony simply replaced this one. */
function browserRefusal(e: unknown, creating: boolean): FormState | null {
  const name = e instanceof Error ? e.name : "";
  const code = (e as { code?: string } | null)?.code;
  if (name === "AbortError" || code === "ERROR_CEREMONY_ABORTED") return null;
  if (creating && (name === "InvalidStateError" || code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED")) {
    return { message: "This device already holds a passkey for your account." };
  }
  if (name === "NotAllowedError") return { message: "No passkey was used: the request was cancelled, timed out, or your device could not verify you." };
  return { message: "Your browser could not use a passkey here. Try again, or use another way." };
}

/** The browser's signed answer to a challenge, or why there is none (null: nothing to tell the user). */
export type PasskeyAnswer = { response: unknown } | { refusal: FormState | null };

/** The browser's part of an authentication ceremony; `autofill` waits in the email field's suggestions. */
export async function answerChallenge(options: PublicKeyCredentialRequestOptionsJSON, autofill: boolean): Promise<PasskeyAnswer> {
  try {
    return { response: await startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill }) };
  } catch (e) {
    // Autofill runs unasked: when it ends without a passkey the user has nothing to be told.
    return { refusal: autofill ? null : browserRefusal(e, false) };
  }
}

/** Cancels the browser's pending ceremony, if any (its answer then rejects with an AbortError). */
export function cancelPendingCeremony(): void {
  WebAuthnAbortService.cancelCeremony();
}

export const NO_PASSKEY_OPTIONS = "Passkeys are not available right now.";

export async function authenticateWithPasskey(
  getOptions: () => Promise<PasskeyOptionsState>,
  verify: (response: unknown) => Promise<FormState>,
): Promise<FormState | null> {
  const { options, message } = await getOptions();
  if (!options) return { message: message ?? NO_PASSKEY_OPTIONS };
  const answer = await answerChallenge(options, false);
  return "response" in answer ? verify(answer.response) : answer.refusal;
}

export async function createPasskey<T extends FormState>(
  getOptions: () => Promise<PasskeyCreationOptionsState>,
  register: (response: unknown) => Promise<T>,
): Promise<T | FormState | null> {
  const { options, message } = await getOptions();
  if (!options) return { message: message ?? NO_PASSKEY_OPTIONS };
  let response;
  try {
    response = await startRegistration({ optionsJSON: options });
  } catch (e) {
    return browserRefusal(e, true);
  }
  return register(response);
}
