import type { FormState } from "@/lib/http/form-action";

/** Form state of the application and token forms: a just-issued secret travels back exactly once. */
export type AdminFormState = FormState & {
  /** A client secret or an initial access token, shown once and never stored by the page. */
  secret?: string;
  clientId?: string;
  applicationId?: string;
};

export type AdminAction = (prev: AdminFormState, form: FormData) => Promise<AdminFormState>;
