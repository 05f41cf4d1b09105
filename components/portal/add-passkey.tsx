"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { createPasskey } from "@/components/auth/passkey-ceremony";
import type { PasskeyCreationOptionsState } from "@/components/auth/passkey-types";
import type { FormState } from "@/lib/http/form-action";
import { FactorAdded } from "./recovery-codes";

type CodesState = FormState & { recoveryCodes?: string[] };

/** Names and creates a passkey; `next`: an application waiting for a second factor. */
export function AddPasskeyForm({
  optionsAction,
  registerAction,
  next,
}: {
  optionsAction: () => Promise<PasskeyCreationOptionsState>;
  registerAction: (response: unknown, name: string) => Promise<CodesState>;
  next?: string;
}) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [state, setState] = useState<CodesState>({});

  if (state.ok) {
    return <FactorAdded message="Your passkey is added. You can sign in with it, without your password." recoveryCodes={state.recoveryCodes} next={next} onDone={() => router.refresh()} />;
  }
  return (
    <form
      className="max-w-sm space-y-4"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const result = await createPasskey(optionsAction, (response) => registerAction(response, name));
        setBusy(false);
        if (result) setState(result);
        if (result?.ok && !("recoveryCodes" in result && result.recoveryCodes) && !next) router.refresh();
      }}
    >
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <Field
        name="passkeyName"
        label="Passkey name"
        placeholder="Work laptop"
        maxLength={60}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={state.fieldErrors?.name}
        hint="So you can tell your passkeys apart. Optional."
      />
      <button type="submit" disabled={busy} className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
        {busy ? "Waiting for your device…" : "Add a passkey"}
      </button>
    </form>
  );
}
