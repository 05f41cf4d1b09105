// Microsoft's multi-tenant shape on a real OpenID Provider (oidc-provider, oidc-upstream.ts): the
// provider is one tenant's, its issuer `http://127.0.0.1:<port>/<tid>/v2.0`, and the same server
// answers the "common" discovery document (`/common/v2.0/.well-known/openid-configuration`) as
// login.microsoftonline.com does: the tenant's endpoints and keys, its issuer the template
// `http://127.0.0.1:<port>/{tenantid}/v2.0`. Accounts carry the `tid` their ID tokens report.
import type http from "node:http";
import { startOidcUpstream, type OidcUpstream, type OidcUpstreamOptions } from "./oidc-upstream";

export interface MicrosoftLikeOptions extends Omit<OidcUpstreamOptions, "issuerPath" | "serve" | "apple"> {
  /** The tenant whose provider this is (its issuer's path segment). */
  tenantId: string;
  /**
   * false: the common document does not say authorization_response_iss_parameter_supported (as
   * Microsoft's does not), though the provider still sends `iss`. Default true (the tenant's own).
   */
  advertiseIssParameter?: boolean;
}

export interface MicrosoftLike extends OidcUpstream {
  /** The multi-tenant issuer a connection is set up with: `http://127.0.0.1:<port>/common/v2.0`. */
  common: string;
  /** What the common discovery document names as its issuer: `http://127.0.0.1:<port>/{tenantid}/v2.0`. */
  issuerTemplate: string;
  /** A tenant's issuer on this server (`issuer`, the provider's own, for its tenant id). */
  tenantIssuer(tid: string): string;
}

const COMMON_DISCOVERY = "/common/v2.0/.well-known/openid-configuration";

export async function startMicrosoftLike(opts: MicrosoftLikeOptions): Promise<MicrosoftLike> {
  const { tenantId, advertiseIssParameter = true, ...upstreamOpts } = opts;
  let tenantIssuer = "";
  let template = "";

  async function answerCommon(res: http.ServerResponse): Promise<void> {
    // The tenant's own document, as the provider serves it, naming the template as its issuer.
    const tenant = (await (await fetch(`${tenantIssuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const doc: Record<string, unknown> = { ...tenant, issuer: template };
    if (!advertiseIssParameter) delete doc.authorization_response_iss_parameter_supported;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc));
  }

  const up = await startOidcUpstream({
    ...upstreamOpts,
    issuerPath: `/${tenantId}/v2.0`,
    serve(req, res) {
      if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== COMMON_DISCOVERY) return false;
      answerCommon(res).catch((e: Error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end(e.message);
      });
      return true;
    },
  });
  const origin = new URL(up.issuer).origin;
  tenantIssuer = up.issuer;
  template = `${origin}/{tenantid}/v2.0`;
  return Object.assign(up, { common: `${origin}/common/v2.0`, issuerTemplate: template, tenantIssuer: (tid: string) => `${origin}/${tid}/v2.0` });
}
