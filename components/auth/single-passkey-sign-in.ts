// The login page's two passkey ceremonies, the autofill one (WebAuthn conditional mediation, started
// with the page) and the button's, of which only one may sign in, and the window navigates once.
// Every sign-in ends the browser's previous session and with it the grants that session received
// (lib/sign-in/session-start.ts), so a second sign-in would revoke the authorization code the first
// one's navigation is carrying to the application.
//
// The button supersedes the autofill ceremony: it cancels the browser's pending request before it
// asks for its own challenge, and an autofill answer that arrives anyway is dropped. While an answer
// is with the server, or once the window navigates, no other ceremony starts or signs in.
// Free of browser APIs: the steps come in, so tests drive it without a browser.
import type { FormState } from "@/lib/http/form-action";
import type { PasskeyAnswer } from "./passkey-ceremony";
import type { PasskeyOptionsState } from "./passkey-types";

type RequestOptions = NonNullable<PasskeyOptionsState["options"]>;

export interface PasskeySignInSteps {
  /** A fresh challenge from the server. */
  options: () => Promise<PasskeyOptionsState>;
  /** The browser's part of the ceremony (`autofill`: conditional mediation). */
  answer: (options: RequestOptions, autofill: boolean) => Promise<PasskeyAnswer>;
  /** Cancels the browser's pending ceremony. */
  cancel: () => void;
  /** The server verifies the answer and signs in. */
  signIn: (response: unknown) => Promise<FormState>;
  navigate: (url: string) => void;
  busy: (busy: boolean) => void;
  message: (message: string | null) => void;
  /** Why there is no challenge, when the server says nothing. */
  noOptionsMessage: string;
}

export interface SinglePasskeySignIn {
  /** Starts the autofill ceremony; once per page. */
  autofill(): Promise<void>;
  /** The button: ignored while a sign-in is under way or done. */
  button(): Promise<void>;
}

export function singlePasskeySignIn(steps: PasskeySignInSteps): SinglePasskeySignIn {
  let latest = 0; // the ceremony that may still sign in; every earlier one is superseded
  let autofillStarted = false;
  let signingIn = false;
  let navigated = false;

  async function run(autofill: boolean): Promise<void> {
    const ceremony = ++latest;
    const mayGoOn = () => ceremony === latest && !signingIn && !navigated;
    const ended = (message: string | null) => {
      if (!autofill) steps.busy(false);
      if (message) steps.message(message);
    };
    const { options, message } = await steps.options();
    if (!mayGoOn()) return;
    if (!options) return ended(message ?? steps.noOptionsMessage);
    const answer = await steps.answer(options, autofill);
    if (!mayGoOn()) return;
    if (!("response" in answer)) return ended(answer.refusal?.message ?? null);

    signingIn = true;
    steps.busy(true);
    let result: FormState;
    try {
      result = await steps.signIn(answer.response);
    } catch (e) {
      signingIn = false;
      steps.busy(false);
      throw e;
    }
    signingIn = false;
    if (result.redirectTo) {
      navigated = true; // busy until the next page replaces this one
      steps.navigate(result.redirectTo);
      return;
    }
    steps.busy(false);
    if (result.message) steps.message(result.message);
  }

  return {
    async autofill() {
      if (autofillStarted || navigated) return;
      autofillStarted = true;
      await run(true);
    },
    async button() {
      if (signingIn || navigated) return;
      steps.cancel();
      steps.busy(true);
      steps.message(null);
      await run(false);
    },
  };
}
