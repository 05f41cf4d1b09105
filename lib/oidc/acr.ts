// Authentication context classes Portico asserts (OIDC Core §2 `acr`) and step-up on request
// (§3.1.2.1 `acr_values`). Two levels, named by URN: one factor, and more than one (the session's
// RFC 8176 `amr` contains "mfa"). The PAPE multi-factor policy URI is accepted as an alias, as
// many relying parties send it.
export const ACR_ONE_FACTOR = "urn:portico:acr:pwd";
export const ACR_MULTI_FACTOR = "urn:portico:acr:mfa";
const PAPE_MULTI_FACTOR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

export const ACR_VALUES_SUPPORTED = [ACR_ONE_FACTOR, ACR_MULTI_FACTOR];

/** What the session's sign-in achieved. */
export function achievedAcr(amr: readonly string[]): string {
  return amr.includes("mfa") ? ACR_MULTI_FACTOR : ACR_ONE_FACTOR;
}

/**
 * acr_values lists acceptable classes in order of preference: a second factor is required only
 * when every listed value is a multi-factor one (a list that also accepts one factor is satisfied).
 */
export function multiFactorRequired(acrValues: string | undefined): boolean {
  const values = (acrValues ?? "").split(" ").filter(Boolean);
  return values.length > 0 && values.every((v) => v === ACR_MULTI_FACTOR || v === PAPE_MULTI_FACTOR);
}
