"use client";
import { useEffect, type ReactNode } from "react";
import type { FormState } from "@/lib/http/form-action";

/**
 * A sign-in form whose action ends somewhere else (an application, the account). With JavaScript
 * the action answers `{ redirectTo }` and the page navigates itself; without, it answers a 303.
 * A redirect from the action would make Next render the target inside the action's response
 * (or, for a route handler such as /oauth2/authorize, run it twice).
 */
export function NavigatingForm({ state, action, children }: { state: FormState; action: (form: FormData) => void; children: ReactNode }) {
  useEffect(() => {
    if (state.redirectTo) window.location.assign(state.redirectTo);
  }, [state.redirectTo]);
  return (
    <form
      action={action}
      noValidate
      className="space-y-5"
      onSubmit={(e) => {
        (e.currentTarget.elements.namedItem("js") as HTMLInputElement).value = "1";
      }}
    >
      <input type="hidden" name="js" defaultValue="0" />
      {children}
    </form>
  );
}
