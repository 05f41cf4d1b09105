// The login page's autofill and button ceremonies, driven step by step with the browser and the
// server actions stood in: whatever order their answers come in, one signs in and the window
// navigates once.
import { describe, expect, it, vi } from "vitest";
import type { FormState } from "@/lib/http/form-action";
import type { PasskeyAnswer } from "./passkey-ceremony";
import type { PasskeyOptionsState } from "./passkey-types";
import { singlePasskeySignIn } from "./single-passkey-sign-in";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** Each step waits until the test answers it, in the order the test chooses. */
function page() {
  const challenges: { resolve: (s: PasskeyOptionsState) => void }[] = [];
  const ceremonies: { autofill: boolean; resolve: (a: PasskeyAnswer) => void }[] = [];
  const signIns: { response: unknown; resolve: (s: FormState) => void }[] = [];
  const navigations: string[] = [];
  const messages: (string | null)[] = [];
  const busy: boolean[] = [];
  const cancel = vi.fn();
  const flow = singlePasskeySignIn({
    options: () => {
      const d = deferred<PasskeyOptionsState>();
      challenges.push(d);
      return d.promise;
    },
    answer: (_options, autofill) => {
      const d = deferred<PasskeyAnswer>();
      ceremonies.push({ autofill, resolve: d.resolve });
      return d.promise;
    },
    cancel,
    signIn: (response) => {
      const d = deferred<FormState>();
      signIns.push({ response, resolve: d.resolve });
      return d.promise;
    },
    navigate: (url) => navigations.push(url),
    busy: (b) => busy.push(b),
    message: (m) => messages.push(m),
    noOptionsMessage: "no options",
  });
  const options = { options: { challenge: "c", rpId: "localhost" } } as PasskeyOptionsState;
  return { flow, challenges, ceremonies, signIns, navigations, messages, busy, cancel, options };
}

describe("one passkey sign-in per login page", () => {
  it("the button supersedes a pending autofill: it is cancelled, and its late answer is dropped", async () => {
    const p = page();
    const autofill = p.flow.autofill();
    p.challenges[0]!.resolve(p.options);
    await settle();
    expect(p.ceremonies).toEqual([expect.objectContaining({ autofill: true })]);

    const button = p.flow.button();
    expect(p.cancel).toHaveBeenCalledTimes(1);
    // The browser had already answered the autofill request when the cancel reached it.
    p.ceremonies[0]!.resolve({ response: "autofill's answer" });
    p.challenges[1]!.resolve(p.options);
    await settle();
    p.ceremonies[1]!.resolve({ response: "button's answer" });
    await settle();
    expect(p.signIns.map((s) => s.response)).toEqual(["button's answer"]);
    p.signIns[0]!.resolve({ ok: true, redirectTo: "/oauth2/authorize?interaction=i" });
    await Promise.all([autofill, button]);
    expect(p.navigations).toEqual(["/oauth2/authorize?interaction=i"]);
  });

  it("an autofill superseded before its challenge came back never starts the browser's ceremony", async () => {
    const p = page();
    const autofill = p.flow.autofill();
    const button = p.flow.button();
    p.challenges[0]!.resolve(p.options);
    p.challenges[1]!.resolve(p.options);
    await settle();
    // Had it started, it would have cancelled the button's (the browser runs one at a time).
    expect(p.ceremonies.map((c) => c.autofill)).toEqual([false]);
    p.ceremonies[0]!.resolve({ response: "button's answer" });
    await settle();
    p.signIns[0]!.resolve({ ok: true, redirectTo: "/account" });
    await Promise.all([autofill, button]);
    expect(p.signIns).toHaveLength(1);
    expect(p.navigations).toEqual(["/account"]);
  });

  it("while the autofill's answer is with the server the button does nothing; after the navigation neither starts again", async () => {
    const p = page();
    const autofill = p.flow.autofill();
    p.challenges[0]!.resolve(p.options);
    await settle();
    p.ceremonies[0]!.resolve({ response: "autofill's answer" });
    await settle();
    expect(p.busy.at(-1)).toBe(true);
    await p.flow.button();
    expect(p.cancel).not.toHaveBeenCalled();
    expect(p.challenges).toHaveLength(1);
    p.signIns[0]!.resolve({ ok: true, redirectTo: "/account" });
    await autofill;
    await p.flow.button();
    await p.flow.autofill();
    expect(p.challenges).toHaveLength(1);
    expect(p.signIns).toHaveLength(1);
    expect(p.navigations).toEqual(["/account"]);
    expect(p.busy.at(-1)).toBe(true);
  });

  it("a refused answer is shown and the button may try again; autofill starts once per page", async () => {
    const p = page();
    const autofill = p.flow.autofill();
    await p.flow.autofill();
    expect(p.challenges).toHaveLength(1);
    p.challenges[0]!.resolve(p.options);
    await settle();
    p.ceremonies[0]!.resolve({ response: "unknown passkey" });
    await settle();
    p.signIns[0]!.resolve({ message: "This passkey is not registered with Portico." });
    await autofill;
    expect(p.messages).toEqual(["This passkey is not registered with Portico."]);
    expect(p.busy.at(-1)).toBe(false);

    const button = p.flow.button();
    p.challenges[1]!.resolve(p.options);
    await settle();
    p.ceremonies[1]!.resolve({ refusal: { message: "No passkey was used." } });
    await button;
    expect(p.messages.at(-1)).toBe("No passkey was used.");
    expect(p.busy.at(-1)).toBe(false);
    expect(p.navigations).toEqual([]);
  });
});
