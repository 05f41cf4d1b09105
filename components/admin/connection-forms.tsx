"use client";
// The connections console's forms: a connection's settings (react-hook-form over the server's own
// check, connectionFormSchema; the claim mapping a field array of rows whose problems land on the
// row at fault), its home realm domains, its deletion behind a confirmation step, and an
// application's choice of connections in order. Each works without JavaScript too.
import { useActionState, useEffect, useSyncExternalStore } from "react";
import { useFieldArray } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { smallButton } from "@/components/ui/styles";
import type { FormState } from "@/lib/http/form-action";
import { callbackPath, PRESETS, PROFILE_FIELDS, samlMetadataPath, signedOutPath, type PresetName } from "@/lib/federation/connection.schema";
import {
  connectionFormSchema,
  connectionValuesFromEcho,
  MAX_CLAIM_ROWS,
  NAME_ID_FORMAT_NAMES,
  newConnectionFormSchema,
  PROTOCOL_LABELS,
  type ClaimRow,
  type ConnectionFormValues,
} from "@/lib/federation/connection-form.schema";
import { CheckboxField, SelectField, TextAreaField } from "./form-controls";
import { useNotifyingAction } from "./console-notices";
import { useConsoleForm } from "./use-console-form";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

function Outcome({ state }: { state: FormState }) {
  if (state.message) return <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>;
  return null;
}

const noSubscription = () => () => {};
const BLANK_ROW: ClaimRow = { field: "", claim: "" };
const PROTOCOL_OPTIONS = [
  { value: "oidc", label: "OpenID Connect" },
  { value: "oauth2", label: "OAuth 2.0 (no ID token)" },
];
const AUTH_METHOD_OPTIONS = [
  { value: "client_secret_basic", label: "client_secret_basic (HTTP Basic)" },
  { value: "client_secret_post", label: "client_secret_post (in the body)" },
];
const RESPONSE_MODE_OPTIONS = [
  { value: "query", label: "Redirect with the code in the query (usual)" },
  { value: "form_post", label: "Form post (Apple)" },
];
const NAME_ID_LABELS: Record<(typeof NAME_ID_FORMAT_NAMES)[number], string> = {
  unspecified: "Unspecified (the identity provider chooses)",
  emailAddress: "Email address",
  persistent: "Persistent (an opaque identifier that never changes)",
};
const NAME_ID_OPTIONS = NAME_ID_FORMAT_NAMES.map((n) => ({ value: n, label: NAME_ID_LABELS[n] }));
/** SAML attribute names as Entra ID and Okta send them (SAML Core §2.7.3.1: an attribute's Name). */
const SAML_ATTRIBUTE_EXAMPLE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

/**
 * Create (no `id`) or change a connection. `initial` is the preset's or the stored settings as the
 * form's values; the mapping shows one blank row more, so a claim can be added without JavaScript.
 * A SAML connection's form asks for its identity provider's metadata instead of endpoints and a client.
 */
export function ConnectionForm({ action, id, initial, publicUrl, hasClientSecret = false }: { action: Action; id?: string; initial: ConnectionFormValues; publicUrl: string; hasClientSecret?: boolean }) {
  const withBlankRow = { ...initial, claims: [...initial.claims, BLANK_ROW] };
  const { form, state, formAction, pending, onSubmit, errorOf, defaultValues } = useConsoleForm(id ? connectionFormSchema : newConnectionFormSchema, action, withBlankRow, {
    fromEcho: connectionValuesFromEcho,
    afterSave: id ? "keep" : "clear",
  });
  const rows = useFieldArray({ control: form.control, name: "claims" });
  // A secret typed is sent once: after a save the field is empty again (blank keeps the stored one).
  // So is metadata: blank keeps the identity provider's settings, which the page shows as stored.
  useEffect(() => {
    if (!state.ok) return;
    form.resetField("clientSecret", { defaultValue: "" });
    form.resetField("metadataXml", { defaultValue: "" });
  }, [state, form]);
  const scripted = useSyncExternalStore(noSubscription, () => true, () => false);
  const protocol = form.watch("protocol");
  const slug = form.watch("slug");
  // The other protocol's fields are hidden only once scripted: the server reads only the chosen protocol's.
  const otherProtocol = (p: string) => scripted && protocol !== p;
  const d = defaultValues as ConnectionFormValues;
  const shownRows = d.claims ?? [];
  const prefix = id ? `conn-${id}-` : "new-conn-";
  const preset = d.preset ? (d.preset as PresetName) : null;
  // Fixed for the form's life: a connection cannot change to or from SAML.
  const saml = d.protocol === "saml";
  const text = (name: Exclude<keyof ConnectionFormValues, "claims" | "enabled" | "trustEmailVerified" | "storeTokens" | "signOutUpstream" | "signAuthnRequests" | "requireEncryptedAssertions" | "allowCbcEncryption">, label: string, props: Record<string, unknown> = {}) => (
    <Field id={`${prefix}${name}`} label={label} defaultValue={String(d[name] ?? "")} error={errorOf(name)} {...props} {...form.register(name)} />
  );
  const shownSlug = slug || d.slug || "<name>";
  const endpoints = (
    <>
      <div className="grid gap-4" hidden={otherProtocol("oidc")}>
        {text("issuer", "Issuer", { placeholder: "https://idp.example.com", hint: "OpenID Connect: the rest comes from its discovery document (/.well-known/openid-configuration)." })}
        {text("issuerTemplate", "Issuer template (multi-tenant providers)", { hint: "Optional: {tenantid} stands for the ID token's tid claim (Microsoft's common and organizations endpoints)." })}
        <SelectField id={`${prefix}responseMode`} label="How the provider answers" defaultValue={d.responseMode} error={errorOf("responseMode")} options={RESPONSE_MODE_OPTIONS} {...form.register("responseMode")} />
        <CheckboxField
          id={`${prefix}signOutUpstream`}
          label="Sign out at the provider too"
          defaultChecked={d.signOutUpstream}
          error={errorOf("signOutUpstream")}
          hint={`When a customer who signed in through it signs out of Portico, the browser goes on to the provider's end_session_endpoint (OpenID Connect RP-Initiated Logout) and comes back. Register ${publicUrl}${signedOutPath(shownSlug)} at the provider as a post-logout redirect URI.`}
          {...form.register("signOutUpstream")}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2" hidden={otherProtocol("oauth2")}>
        {text("authorizationEndpoint", "Authorization endpoint", { placeholder: "https://idp.example.com/authorize" })}
        {text("tokenEndpoint", "Token endpoint", { placeholder: "https://idp.example.com/token" })}
        {text("userinfoEndpoint", "Profile (userinfo) endpoint", { placeholder: "https://api.idp.example.com/me" })}
        {text("emailsEndpoint", "Email addresses endpoint (optional)", { hint: "GitHub's /user/emails: the verified primary address." })}
        <SelectField id={`${prefix}tokenEndpointAuthMethod`} label="Client authentication" defaultValue={d.tokenEndpointAuthMethod} error={errorOf("tokenEndpointAuthMethod")} options={AUTH_METHOD_OPTIONS} {...form.register("tokenEndpointAuthMethod")} />
      </div>
    </>
  );
  const oauthFields = (
    <>
      {preset ? (
        <>
          <input type="hidden" defaultValue={d.protocol} {...form.register("protocol")} />
          <details className="rounded-lg border border-slate-200 p-4 dark:border-slate-700">
            <summary className="cursor-pointer text-sm font-medium">{PRESETS[preset].label}&apos;s endpoints (set by the preset)</summary>
            <div className="mt-4 space-y-4">{endpoints}</div>
          </details>
        </>
      ) : (
        <>
          <SelectField id={`${prefix}protocol`} label="Protocol" defaultValue={d.protocol} error={errorOf("protocol")} options={PROTOCOL_OPTIONS} {...form.register("protocol")} />
          {endpoints}
        </>
      )}
      {errorOf("protocol") && preset ? <Alert tone="error">{errorOf("protocol")}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {text("clientId", "Client ID", { autoComplete: "off", maxLength: 255 })}
        {text("clientSecret", "Client secret", {
          type: "password",
          autoComplete: "new-password",
          hint: id && hasClientSecret ? "A secret is stored (never shown). Leave blank to keep it; enter a new one to replace it." : "Issued by the provider with the client ID. Stored encrypted; never shown again.",
        })}
      </div>
      {preset === "apple" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          {text("appleTeamId", "Team ID", { autoComplete: "off", maxLength: 10, hint: "Apple Developer account > Membership: 10 letters and digits." })}
          {text("appleKeyId", "Key ID", { autoComplete: "off", maxLength: 10, hint: "The Sign in with Apple key's ID. Paste the key's .p8 file as the client secret." })}
        </div>
      ) : null}
      {text("scopes", "Scopes", { hint: "Separated by spaces (RFC 6749 §3.3). Empty: the protocol's defaults." })}
    </>
  );
  const samlFields = (
    <>
      <input type="hidden" defaultValue={d.protocol} {...form.register("protocol")} />
      {errorOf("protocol") ? <Alert tone="error">{errorOf("protocol")}</Alert> : null}
      <TextAreaField
        id={`${prefix}metadataXml`}
        label={id ? "New identity provider metadata (optional)" : "Identity provider metadata (XML)"}
        rows={id ? 4 : 10}
        spellCheck={false}
        placeholder={'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="…">…</EntityDescriptor>'}
        defaultValue={d.metadataXml}
        error={errorOf("metadataXml")}
        hint={
          id
            ? "Blank keeps the identity provider's settings shown on this page. Paste its metadata again to replace them, for instance when it rolls its signing certificate over."
            : "The identity provider's SAML 2.0 metadata document (Entra ID: Federation Metadata XML; Okta: Identity Provider metadata). Portico reads its entity ID, its HTTP-Redirect sign-on URL and its signing certificates; nothing is fetched."
        }
        {...form.register("metadataXml")}
      />
      <SelectField id={`${prefix}nameIdFormat`} label="NameID format to ask for" defaultValue={d.nameIdFormat} error={errorOf("nameIdFormat")} options={NAME_ID_OPTIONS} hint="The NameID names the customer at the identity provider: Portico links the account by it." {...form.register("nameIdFormat")} />
      <CheckboxField
        id={`${prefix}signAuthnRequests`}
        label="Sign authentication requests"
        defaultChecked={d.signAuthnRequests}
        error={errorOf("signAuthnRequests")}
        hint="With this connection's own key (its certificate is on the connection's page). Turned on whatever this box says when the metadata asks for signed requests (WantAuthnRequestsSigned)."
        {...form.register("signAuthnRequests")}
      />
      <CheckboxField
        id={`${prefix}requireEncryptedAssertions`}
        label="Accept encrypted assertions only"
        defaultChecked={d.requireEncryptedAssertions}
        error={errorOf("requireEncryptedAssertions")}
        hint="Refuses an assertion sent in the clear. Give the identity provider this connection's certificate to encrypt to first."
        {...form.register("requireEncryptedAssertions")}
      />
      <CheckboxField
        id={`${prefix}allowCbcEncryption`}
        label="Also accept AES-CBC encryption"
        defaultChecked={d.allowCbcEncryption}
        error={errorOf("allowCbcEncryption")}
        hint="Only for an identity provider that cannot encrypt with AES-GCM. Assertions encrypted with CBC are otherwise refused before they are decrypted (CBC is open to padding-oracle attacks)."
        {...form.register("allowCbcEncryption")}
      />
    </>
  );
  return (
    <form action={formAction} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={id ? `Change ${initial.name}` : "Add a connection"}>
      <Outcome state={state} />
      {id ? <input type="hidden" name="id" value={id} /> : null}
      <input type="hidden" defaultValue={d.preset} {...form.register("preset")} />
      <div className="grid gap-4 sm:grid-cols-2">
        {text("name", "Name", { maxLength: 100, hint: "What customers read on the button: Sign in with …" })}
        {id ? (
          <input type="hidden" defaultValue={d.slug} {...form.register("slug")} />
        ) : (
          text("slug", saml ? "Name in Portico's URLs" : "Name in the callback URL", {
            maxLength: 64,
            placeholder: "acme",
            hint: `Lowercase letters, digits and dashes. Fixed once created: the ${saml ? "identity provider knows Portico's entity ID and Assertion Consumer Service URL" : "provider knows the callback URL"} by it.`,
          })
        )}
      </div>
      {!id && saml ? (
        <dl className="grid gap-x-4 gap-y-1 text-sm text-slate-600 sm:grid-cols-[auto_1fr] dark:text-slate-400">
          <dt>Entity ID (Identifier) to register at the identity provider:</dt>
          <dd>
            <code className="break-all">{`${publicUrl}${samlMetadataPath(shownSlug)}`}</code>
          </dd>
          <dt>Assertion Consumer Service (Reply) URL, HTTP-POST:</dt>
          <dd>
            <code className="break-all">{`${publicUrl}${callbackPath(shownSlug)}`}</code>
          </dd>
        </dl>
      ) : null}
      {!id && !saml ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Callback URL to register at the provider: <code className="break-all">{`${publicUrl}${callbackPath(shownSlug)}`}</code>
        </p>
      ) : null}
      {saml ? samlFields : oauthFields}
      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700">
        <legend className="px-1 text-sm font-medium">{saml ? "Attribute mapping" : "Claim mapping"}</legend>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {saml ? (
            <>Which SAML attribute (by its Name) fills which profile field; attr.&lt;name&gt; fills a custom attribute. Unmapped fields are looked for under their common names.</>
          ) : (
            <>
              Which upstream claim fills which profile field (a dotted path reads inside an object: picture.data.url). attr.&lt;name&gt; fills a custom attribute. OpenID Connect providers need no
              row for the standard claims.
            </>
          )}
        </p>
        <datalist id={`${prefix}profile-fields`}>
          {PROFILE_FIELDS.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        {rows.fields.map((field, i) => {
          const row = shownRows[i] ?? BLANK_ROW;
          return (
            <div key={field.id} className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]" role="group" aria-label={`Claim ${i + 1}`}>
              <Field id={`${prefix}claim-${i}-field`} label="Profile field" list={`${prefix}profile-fields`} placeholder={saml ? "email" : undefined} defaultValue={row.field} error={errorOf(`claims.${i}.field`)} {...form.register(`claims.${i}.field`)} />
              <Field
                id={`${prefix}claim-${i}-claim`}
                label={saml ? "SAML attribute name" : "Upstream claim"}
                maxLength={100}
                placeholder={saml ? SAML_ATTRIBUTE_EXAMPLE : undefined}
                defaultValue={row.claim}
                error={errorOf(`claims.${i}.claim`)}
                {...form.register(`claims.${i}.claim`)}
              />
              <button type="button" onClick={() => rows.remove(i)} className={`${smallButton} sm:mt-7`}>
                Remove<span className="sr-only"> claim {i + 1}</span>
              </button>
            </div>
          );
        })}
        {errorOf("claims") ? <Alert tone="error">{errorOf("claims")}</Alert> : null}
        {rows.fields.length < MAX_CLAIM_ROWS ? (
          <button type="button" onClick={() => rows.append({ ...BLANK_ROW })} className={smallButton}>
            {saml ? "Add an attribute" : "Add a claim"}
          </button>
        ) : null}
      </fieldset>
      <CheckboxField id={`${prefix}enabled`} label="Enabled" defaultChecked={d.enabled} error={errorOf("enabled")} hint="A disabled connection is offered nowhere and its callback refuses." {...form.register("enabled")} />
      {saml ? (
        <CheckboxField
          id={`${prefix}trustEmailVerified`}
          label="Trust the addresses it asserts"
          defaultChecked={d.trustEmailVerified}
          error={errorOf("trustEmailVerified")}
          hint="SAML has no email_verified: ticking this trusts the identity provider's directory to own the addresses it asserts at the email domains mapped to this connection (map them on its page once added); an address at any other domain is never trusted. Its users then get an account at their first sign-in, and an asserted address links to the existing account with that address without asking for its password. Unticked, every sign-in through it must prove an existing account first. Leave it unticked when its users can set their own address."
          {...form.register("trustEmailVerified")}
        />
      ) : (
        <>
          <CheckboxField
            id={`${prefix}trustEmailVerified`}
            label="Trust the addresses it marks verified"
            defaultChecked={d.trustEmailVerified}
            error={errorOf("trustEmailVerified")}
            hint="An address the provider asserts verified links to the existing account with that address without asking the customer to prove it. Only for providers that verify addresses they own."
            {...form.register("trustEmailVerified")}
          />
          <CheckboxField id={`${prefix}storeTokens`} label="Keep the provider's tokens (encrypted)" defaultChecked={d.storeTokens} error={errorOf("storeTokens")} hint="For applications that call the provider's API on the customer's behalf: they read them at /api/federation/v1/tokens/<slug> with the federation:tokens scope." {...form.register("storeTokens")} />
        </>
      )}
      {errorOf("form") ? <Alert tone="error">{errorOf("form")}</Alert> : null}
      <Button type="submit" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : id ? "Save connection" : "Add connection"}
      </Button>
    </form>
  );
}

/** Home realm discovery: the email domains sent straight to this connection, one a line. */
export function ConnectionDomainsForm({ action, id, domains }: { action: Action; id: string; domains: readonly string[] }) {
  const [state, formAction, pending] = useActionState(useNotifyingAction(action), {});
  return (
    <form action={formAction} className="space-y-3" aria-label="Home realm domains">
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="id" value={id} />
      <TextAreaField
        id={`domains-${id}`}
        name="domains"
        label="Email domains"
        rows={4}
        defaultValue={state.values?.domains ?? domains.join("\n")}
        error={state.fieldErrors?.domains}
        placeholder={"acme.example\ncorp.acme.example"}
        hint="One a line. A customer whose address is at one of them goes straight to this connection from the login page. A domain belongs to one connection."
      />
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save domains"}
      </Button>
    </form>
  );
}

/** Deleting a connection: a confirmation step (a <details>, so it works without JavaScript) naming what goes with it. */
export function DeleteConnectionForm({ action, id, name, linkedIdentities }: { action: Action; id: string; name: string; linkedIdentities: number }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <details className="group">
      <summary className={`${smallButton} inline-block cursor-pointer list-none text-red-700 dark:text-red-300`}>Delete connection…</summary>
      <form action={formAction} className="mt-3 space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-900 dark:bg-red-950" aria-label={`Delete ${name}`}>
        {state.message ? <Alert tone="error">{state.message}</Alert> : null}
        <input type="hidden" name="id" value={id} />
        <p className="text-sm text-red-900 dark:text-red-100">
          Customers can no longer sign in with <strong>{name}</strong>; applications stop offering it. {linkedIdentities} linked {linkedIdentities === 1 ? "identity is" : "identities are"} removed with it: an
          account with no other way to sign in must recover its password.
        </p>
        <CheckboxField id={`delete-${id}-confirm`} name="confirm" label={`Delete ${name} and its ${linkedIdentities} linked ${linkedIdentities === 1 ? "identity" : "identities"}`} error={state.fieldErrors?.confirm} />
        <button
          type="submit"
          disabled={pending}
          className="rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:bg-red-400"
        >
          {pending ? "Deleting…" : "Yes, delete it"}
        </button>
      </form>
    </details>
  );
}

type ConnectionChoice = { id: string; name: string; slug: string; enabled: boolean; protocol: string };

/**
 * An application's connections: every connection a row, those offered first in their order and
 * ticked. Move up/down posts the form as it stands and moves the row (no script needed); Save keeps
 * the ticks.
 */
export function ApplicationConnectionsForm({ action, applicationId, offered, available }: { action: Action; applicationId: string; offered: readonly ConnectionChoice[]; available: readonly ConnectionChoice[] }) {
  const [state, formAction, pending] = useActionState(useNotifyingAction(action), {});
  const rows = [...offered.map((c) => ({ ...c, offered: true })), ...available.map((c) => ({ ...c, offered: false }))];
  if (!rows.length) return <p className="text-sm text-slate-600 dark:text-slate-400">No connections exist yet: an administrator adds them under Applications → Connections.</p>;
  const error = state.fieldErrors?.connections;
  return (
    <form action={formAction} className="space-y-3" aria-label="Sign-in connections">
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="id" value={applicationId} />
      <p className="text-sm text-slate-600 dark:text-slate-400">The login page offers the ticked connections as buttons, in this order, besides Portico&apos;s own sign-in. Disabled connections are not shown until enabled.</p>
      <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-700" aria-describedby={error ? `app-connections-${applicationId}-error` : undefined}>
        {rows.map((c, i) => (
          <li key={c.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
            <input type="hidden" name="order" value={c.id} />
            <label className="flex flex-1 items-center gap-2 text-sm">
              <input type="checkbox" name="offer" value={c.id} defaultChecked={c.offered} className="h-4 w-4 accent-indigo-600" />
              <span className="font-medium">{c.name}</span>
              <span className="text-slate-500">
                ({c.slug}, {PROTOCOL_LABELS[c.protocol as keyof typeof PROTOCOL_LABELS] ?? c.protocol}
                {c.enabled ? "" : ", disabled"})
              </span>
            </label>
            {c.offered ? (
              <span className="flex gap-1">
                <button type="submit" name="move" value={`up:${c.id}`} disabled={pending || i === 0} className={smallButton}>
                  Move up<span className="sr-only"> {c.name}</span>
                </button>
                <button type="submit" name="move" value={`down:${c.id}`} disabled={pending || i === offered.length - 1} className={smallButton}>
                  Move down<span className="sr-only"> {c.name}</span>
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {error ? (
        <p id={`app-connections-${applicationId}-error`} role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="secondary" disabled={pending} className="sm:w-auto">
        {pending ? "Saving…" : "Save sign-in connections"}
      </Button>
    </form>
  );
}
