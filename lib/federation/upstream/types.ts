// What the upstream layer hands the sign-in: the request to send the browser to, and the identity
// read back from the callback.

export interface UpstreamAuthorization {
  url: string;
  state: string;
  codeVerifier: string;
  nonce: string | null;
}

export interface UpstreamIdentity {
  /** OIDC `sub` (or the mapped claim), or the OAuth profile's mapped id, as a string. */
  subject: string;
  /** Lower-cased. */
  email: string | null;
  /** Only when the upstream asserts it: OIDC `email_verified` true, GitHub's `/user/emails` entry verified. */
  emailVerified: boolean;
  /** name, given_name, family_name, picture, locale, phone_number and `attr.<name>` values. */
  profile: Record<string, string | boolean>;
  /** "fed", then the upstream's own `amr` values (an OIDC ID token's). */
  amr: string[];
  tokens: { accessToken: string; refreshToken: string | null; idToken: string | null; expiresAt: Date | null };
}

/** What the authorization request carried, kept by the caller until the callback. */
export interface ExpectedCallback {
  state: string;
  codeVerifier: string;
  nonce: string | null;
}
