import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { FormState } from "@/lib/http/form-action";

/** A server action's answer to "give me a WebAuthn challenge": the options, or why not. */
export type PasskeyOptionsState = FormState & { options?: PublicKeyCredentialRequestOptionsJSON };
export type PasskeyCreationOptionsState = FormState & { options?: PublicKeyCredentialCreationOptionsJSON };
