// The browser state a sign-in reads and writes, as plain values: lib/http reads the cookies into
// BrowserCookies and sets whatever CookieChanges holds. lib/sign-in never touches next/headers.
export interface BrowserCookies {
  /** The portal session's token (the sid inside the session cookie), if any. */
  sessionToken?: string | null;
  /** The risk engine's device id cookie. */
  deviceId?: string | null;
  /** The trusted-device token ("trust this device"). */
  trustedDevice?: string | null;
  /** The interaction binding of an OIDC sign-in in progress. */
  interactionBinding?: string | null;
}

export interface CookieChanges {
  /** A new portal session: the session cookie carries it. */
  session?: { token: string; userId: string; expiresAt: Date };
  /** A pending sign-in waiting for its second step. */
  pendingSignIn?: { token: string; maxAgeSeconds: number };
  /** A fresh device id for a browser that had none. */
  deviceId?: string;
}
