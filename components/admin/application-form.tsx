"use client";
// Create and edit form for an application (OAuth 2 client). Validation is the server's (zod in
// lib/applications/applications.schema.ts); errors come back tied to their fields.
import Link from "next/link";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { CheckboxField, CheckboxGroup, SelectField, TextAreaField } from "./form-controls";
import { CopyableValue, SecretBox } from "./secret-box";
import type { AdminAction, AdminFormState } from "./types";
import { DEVICE_CODE_GRANT, MAX_ALLOWED_SCOPES, MAX_URIS, TTL_LIMITS } from "@/lib/applications/applications.schema";

/** Every field as text: URI lists and grant types one per line, checkboxes "on" or "". */
export type ApplicationFormValues = Record<string, string>;

const GRANT_OPTIONS = [
  { value: "authorization_code", label: "Authorization code: sign-in through the browser (with PKCE)" },
  { value: "refresh_token", label: "Refresh token: stay signed in without asking again" },
  { value: "client_credentials", label: "Client credentials: a server acting on its own behalf (confidential only)" },
  { value: DEVICE_CODE_GRANT, label: "Device authorization: TVs, consoles and other devices without a browser" },
];

const TYPE_OPTIONS = [
  { value: "confidential", label: "Confidential: runs on a server and can keep a secret" },
  { value: "public", label: "Public: single-page, mobile, desktop or TV app (no secret, PKCE required)" },
];

const METHOD_OPTIONS = [
  { value: "", label: "Default for the type (confidential: client_secret_basic; public: none)" },
  { value: "client_secret_basic", label: "Client secret in HTTP Basic (client_secret_basic)" },
  { value: "client_secret_post", label: "Client secret in the request body (client_secret_post)" },
  { value: "private_key_jwt", label: "JWT signed with the client's own key (private_key_jwt)" },
  { value: "none", label: "None: public client (none)" },
];

const MFA_OPTIONS = [
  { value: "default", label: "Follow the global policy (MFA_POLICY)" },
  { value: "off", label: "Off: the password is enough" },
  { value: "optional", label: "Offer: suggest setting it up after sign-in (at most weekly)" },
  { value: "required", label: "Require: a second factor at every sign-in, set up on the spot" },
];

const ALG_OPTIONS = [
  { value: "ES256", label: "ES256 (ECDSA P-256)" },
  { value: "RS256", label: "RS256 (RSA)" },
];

export function ApplicationForm({
  action,
  mode,
  applicationId,
  initial,
}: {
  action: AdminAction;
  mode: "create" | "edit";
  applicationId?: string;
  initial: ApplicationFormValues;
}) {
  const [state, formAction, pending] = useActionState<AdminFormState, FormData>(action, {});

  if (mode === "create" && state.ok && state.applicationId) {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        {state.clientId ? <CopyableValue label="Client ID" value={state.clientId} id="created-client-id" /> : null}
        {state.secret ? <SecretBox title="Client secret" label="Client secret" secret={state.secret} id="created-client-secret" /> : null}
        <Link href={`/admin/applications/${state.applicationId}`} className="inline-block font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Continue to the application →
        </Link>
      </div>
    );
  }

  const v = state.values ?? initial;
  const e = state.fieldErrors ?? {};
  const grants = (v.grantTypes ?? "").split("\n").filter(Boolean);

  return (
    <form action={formAction} noValidate className="max-w-2xl space-y-6">
      {state.ok && state.message ? <Alert tone="success">{state.message}</Alert> : null}
      {!state.ok && state.message ? <Alert tone="error">{state.message}</Alert> : null}
      {state.secret ? <SecretBox title="A client secret was issued" label="Client secret" secret={state.secret} id="issued-client-secret" /> : null}
      {applicationId ? <input type="hidden" name="id" value={applicationId} /> : null}

      <Field name="name" label="Name" required maxLength={100} defaultValue={v.name} error={e.name} hint="Shown to people on the sign-in and consent screens." />
      <SelectField name="type" label="Application type" defaultValue={v.type ?? "confidential"} error={e.type} options={TYPE_OPTIONS} />
      <TextAreaField
        name="redirectUris"
        label="Redirect URIs"
        rows={4}
        defaultValue={v.redirectUris}
        error={e.redirectUris}
        hint={
          <>
            One per line, at most {MAX_URIS}, matched exactly. https, or http only on 127.0.0.1, [::1] or localhost (any port matches there), or an app
            scheme like <code>com.example.app:/callback</code>. No fragments.
          </>
        }
      />
      <TextAreaField
        name="postLogoutRedirectUris"
        label="Post-logout redirect URIs"
        rows={2}
        defaultValue={v.postLogoutRedirectUris}
        error={e.postLogoutRedirectUris}
        hint="Optional. Where the application may send people after signing out; same rules, one per line."
      />
      <CheckboxGroup name="grantTypes" label="Grant types" options={GRANT_OPTIONS} checked={grants} error={e.grantTypes} />
      <SelectField
        name="tokenEndpointAuthMethod"
        label="Token endpoint authentication"
        defaultValue={v.tokenEndpointAuthMethod ?? ""}
        error={e.tokenEndpointAuthMethod}
        options={METHOD_OPTIONS}
        hint="How the application proves who it is when it fetches tokens."
      />
      <TextAreaField
        name="jwks"
        label="Public keys (JWK Set)"
        rows={4}
        defaultValue={v.jwks}
        error={e.jwks}
        placeholder='{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…"}]}'
        hint="Only for private_key_jwt: the public keys the application signs its assertions with. Never paste a private key."
      />
      <TextAreaField
        name="allowedScopes"
        label="Allowed API scopes (client credentials)"
        rows={2}
        defaultValue={v.allowedScopes}
        error={e.allowedScopes}
        hint={
          <>
            Separated by spaces or lines, at most {MAX_ALLOWED_SCOPES}. With the client_credentials grant the application may ask only for these; asking for
            none gives all of them. Empty: tokens without scopes only.
          </>
        }
      />
      <TextAreaField
        name="allowedResources"
        label="Allowed resources (audiences)"
        rows={2}
        defaultValue={v.allowedResources}
        error={e.allowedResources}
        hint="Optional, one per line: the APIs (RFC 8707 resource indicators, https URIs) the application may request client_credentials tokens for; the token's audience."
      />
      <SelectField name="idTokenSignedResponseAlg" label="ID token signing algorithm" defaultValue={v.idTokenSignedResponseAlg ?? "ES256"} error={e.idTokenSignedResponseAlg} options={ALG_OPTIONS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="accessTokenTtlSeconds"
          label="Access token lifetime (seconds)"
          type="number"
          inputMode="numeric"
          min={TTL_LIMITS.accessTokenTtlSeconds.min}
          max={TTL_LIMITS.accessTokenTtlSeconds.max}
          defaultValue={v.accessTokenTtlSeconds}
          error={e.accessTokenTtlSeconds}
          hint={`${TTL_LIMITS.accessTokenTtlSeconds.min} to ${TTL_LIMITS.accessTokenTtlSeconds.max} (one day).`}
        />
        <Field
          name="refreshTokenTtlSeconds"
          label="Refresh token lifetime (seconds)"
          type="number"
          inputMode="numeric"
          min={TTL_LIMITS.refreshTokenTtlSeconds.min}
          max={TTL_LIMITS.refreshTokenTtlSeconds.max}
          defaultValue={v.refreshTokenTtlSeconds}
          error={e.refreshTokenTtlSeconds}
          hint={`${TTL_LIMITS.refreshTokenTtlSeconds.min} to ${TTL_LIMITS.refreshTokenTtlSeconds.max} (one year).`}
        />
      </div>
      <Field
        name="backchannelLogoutUri"
        label="Back-channel logout URI"
        type="url"
        maxLength={2000}
        defaultValue={v.backchannelLogoutUri}
        error={e.backchannelLogoutUri}
        hint="Optional. Portico posts a logout token here when a session ends (https, or http on a loopback address)."
      />
      <Field name="logoUri" label="Logo URL" type="url" maxLength={2000} defaultValue={v.logoUri} error={e.logoUri} hint="Optional, https. Shown on the consent screen." />
      <SelectField name="mfaPolicy" label="Two-step verification" defaultValue={v.mfaPolicy ?? "default"} error={e.mfaPolicy} options={MFA_OPTIONS} />
      <CheckboxField
        name="emailCodeWithStrongFactor"
        label="Allow an emailed code even when the user has a stronger factor"
        defaultChecked={v.emailCodeWithStrongFactor === "on"}
        error={e.emailCodeWithStrongFactor}
        hint="Off (recommended): people with a passkey, authenticator app or phone number use it; a code by email, the mailbox that also receives password resets, is offered only to people without one."
      />
      <CheckboxField
        name="firstParty"
        label="First-party application (skip the consent screen)"
        defaultChecked={v.firstParty === "on"}
        error={e.firstParty}
        hint="Only for applications your organisation runs: people are not asked to approve what it receives."
      />
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : mode === "create" ? "Create application" : "Save changes"}
      </Button>
    </form>
  );
}
