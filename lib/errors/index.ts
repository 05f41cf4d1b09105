// The one base of every domain's typed errors: a stable string code (what callers and tests
// branch on, never the message), a message, and for a form the field the message belongs to.
// The http layer (lib/http/actions.ts, lib/http/oauth.ts) maps them in one place each.
// No imports: every layer, every domain, may use this module.

export class DomainError<Code extends string = string> extends Error {
  override readonly name: string = "DomainError";
  /**
   * Whether the message is written for the person at the form and may be shown as is. Errors of
   * internal faults (a key that does not decrypt, a refused outbound address) are logged and the
   * person reads a generic message with a reference.
   */
  readonly shownToUser: boolean = false;
  /** Several fields at once (a form's whole input, checked in the domain). */
  readonly fieldErrors?: Record<string, string>;

  constructor(
    readonly code: Code,
    message: string,
    /** For a form: which field the message belongs to. */
    readonly field?: string,
    options?: { cause?: unknown; fieldErrors?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.fieldErrors) this.fieldErrors = options.fieldErrors;
  }
}

/** An actor without the permission a domain function needs (today: without the administrator role). */
export class PermissionError extends DomainError<"forbidden"> {
  override readonly name = "PermissionError";
  override readonly shownToUser = true;
  constructor(readonly permission: string) {
    super("forbidden", "Administrator role required.");
  }
}

/** The shape of a schema issue (zod's), without importing zod: this module imports nothing. */
export interface InputIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * A form's messages by field from a schema's issues: the first message of each top-level field,
 * "form" for an issue about the whole input; `fieldName` renames a field for the form that shows it.
 */
export function fieldErrorsOf(issues: readonly InputIssue[], fieldName: (key: string) => string = (key) => key): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) fieldErrors[fieldName(String(issue.path[0] ?? "form"))] ??= issue.message;
  return fieldErrors;
}
