// The SCIM error (RFC 7644 §3.12): an HTTP status, a `scimType` where the RFC names one, and a
// detail for the provisioning system's log. lib/http maps it to the error schema's body.
import { DomainError } from "@/lib/errors";

export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export class ScimError extends DomainError<ScimType | "notFound" | "forbidden" | "preconditionFailed" | "unauthorized" | "tooLarge" | "rateLimited"> {
  override readonly name = "ScimError";
  constructor(
    readonly status: number,
    code: ScimType | "notFound" | "forbidden" | "preconditionFailed" | "unauthorized" | "tooLarge" | "rateLimited",
    detail: string,
  ) {
    super(code, detail);
  }

  /** The RFC's scimType, only for the codes it defines (a 404 or a 412 has none). */
  get scimType(): ScimType | undefined {
    return SCIM_TYPES.has(this.code) ? (this.code as ScimType) : undefined;
  }
}

const SCIM_TYPES = new Set<string>(["invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget", "invalidValue", "invalidVers", "sensitive"]);

export const invalidFilter = (detail: string) => new ScimError(400, "invalidFilter", detail);
export const invalidPath = (detail: string) => new ScimError(400, "invalidPath", detail);
export const invalidValue = (detail: string) => new ScimError(400, "invalidValue", detail);
export const invalidSyntax = (detail: string) => new ScimError(400, "invalidSyntax", detail);
export const noTarget = (detail: string) => new ScimError(400, "noTarget", detail);
export const mutability = (detail: string) => new ScimError(400, "mutability", detail);
