// The action wrappers' one mapping: input through the schema, domain errors to form state by
// code/field, Next's signals passed on. The caller guards are guards.ts (tested through e2e).
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DomainError, PermissionError } from "@/lib/errors";
import { UserError } from "@/lib/users";
import { ApplicationError } from "@/lib/applications";
import { publicAction } from "./actions";
import type { FormState } from "./form-action";

const schema = z.object({ email: z.string().email("Enter an email address.") });
const input = (_prev: FormState, form: FormData) => ({ email: form.get("email") });
const echo = (_prev: FormState, form: FormData) => ({ email: String(form.get("email") ?? "") });

function form(email: string): FormData {
  const f = new FormData();
  f.set("email", email);
  return f;
}

function actionThrowing(e: unknown) {
  return publicAction({ schema, input, echo }, async (): Promise<FormState> => {
    throw e;
  });
}

describe("publicAction", () => {
  it("hands the parsed input to the handler", async () => {
    const action = publicAction({ schema, input }, async ({ email }): Promise<FormState> => ({ ok: true, message: email }));
    expect(await action({}, form("a@example.com"))).toEqual({ ok: true, message: "a@example.com" });
  });

  it("input the schema refuses: its messages by field, with the echoed values; the handler does not run", async () => {
    const handler = vi.fn();
    const action = publicAction({ schema, input, echo }, handler);
    expect(await action({}, form("nope"))).toEqual({ fieldErrors: { email: "Enter an email address." }, values: { email: "nope" } });
    expect(handler).not.toHaveBeenCalled();
  });

  it("a custom answer for refused input", async () => {
    const action = publicAction({ schema, input, invalid: () => ({ message: "This link is invalid." }) }, vi.fn());
    expect(await action({}, form("nope"))).toEqual({ message: "This link is invalid." });
  });

  it("a domain error written for the person: its message, tied to its field when it has one", async () => {
    expect(await actionThrowing(new UserError("email_taken", "Taken.", { field: "email" }))({}, form("a@example.com"))).toEqual({ fieldErrors: { email: "Taken." }, values: { email: "a@example.com" } });
    expect(await actionThrowing(new PermissionError("users:read"))({}, form("a@example.com"))).toMatchObject({ message: "Administrator role required." });
    const several = new ApplicationError("invalid_input", "Check the form.", { fieldErrors: { name: "Too long.", logoUri: "Use https." } });
    expect(await actionThrowing(several)({}, form("a@example.com"))).toMatchObject({ fieldErrors: { name: "Too long.", logoUri: "Use https." } });
  });

  it("any other error is logged and shown generically, with a reference", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const state = await actionThrowing(new DomainError("keys.key_unavailable", "the stored key does not decrypt"))({}, form("a@example.com"));
    expect(state.message).toMatch(/^Something went wrong on our side\. Please try again\. \(Reference [0-9a-f]{8}\)$/);
    expect(state.message).not.toContain("decrypt");
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it("Next's redirect signal passes through", async () => {
    const signal = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/account;307;" });
    await expect(actionThrowing(signal)({}, form("a@example.com"))).rejects.toBe(signal);
  });
});
