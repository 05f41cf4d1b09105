// Browser-safe input rules of processing purposes and consent decisions: one rule for every place
// a value is written (the console's form, the consent API, the portal).
import { z } from "zod";

/** GDPR art. 6(1)(a)-(f), in order. Only "consent" purposes are given and withdrawn by the person. */
export const LEGAL_BASES = ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const LEGAL_BASIS_LABELS: Record<LegalBasis, string> = {
  consent: "Consent (art. 6(1)(a))",
  contract: "Contract (art. 6(1)(b))",
  legal_obligation: "Legal obligation (art. 6(1)(c))",
  vital_interests: "Vital interests (art. 6(1)(d))",
  public_task: "Public task (art. 6(1)(e))",
  legitimate_interests: "Legitimate interests (art. 6(1)(f))",
};

/** The stable key applications name a purpose by: lower case, digits, `_ . -`, starting with a letter. */
export const purposeKeySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{1,63}$/, "Use 2 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter.");

export const purposeTextSchema = z.string().trim().min(1, "Write the text people consent to.").max(4000, "At most 4000 characters.");

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** Data categories as typed in one field: comma- or line-separated, each kept once. */
export const dataCategoriesSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : v.split(/[,\n]/)).map((c) => c.trim()).filter(Boolean))])
  .pipe(z.array(z.string().max(60, "A data category has at most 60 characters.")).min(1, "Name at least one data category.").max(30, "At most 30 data categories."));

/** What a purpose says about itself, the same rules when it is created and when it is edited. */
const purposeFields = {
  name: z.string().trim().min(1, "Name the purpose.").max(120, "At most 120 characters."),
  legalBasis: z.enum(LEGAL_BASES, { error: "Choose a legal basis." }),
  dataCategories: dataCategoriesSchema,
  retention: z.string().trim().min(1, "Say how long the data is kept.").max(200, "At most 200 characters."),
  thirdParty: optionalText(120),
  /** Offered, unticked, on the registration form (GDPR art. 7). */
  offerAtRegistration: z.boolean().default(false),
};

/** Only consent is asked for on the registration form: the other legal bases need no one's agreement. */
function offeredOnlyWhenConsent(p: { legalBasis: LegalBasis; offerAtRegistration: boolean }, ctx: z.RefinementCtx) {
  if (p.offerAtRegistration && p.legalBasis !== "consent") {
    ctx.addIssue({ code: "custom", path: ["offerAtRegistration"], message: "Only a purpose based on consent can be offered at registration." });
  }
}

export const purposeInputSchema = z
  .object({ key: purposeKeySchema, ...purposeFields, text: purposeTextSchema })
  .superRefine(offeredOnlyWhenConsent);
export type PurposeInput = z.input<typeof purposeInputSchema>;

/** An edit of a purpose: everything but its key and its text (publishPurposeVersion); every field is sent, none defaults. */
export const purposeUpdateSchema = z
  .object({ ...purposeFields, offerAtRegistration: z.boolean() })
  .superRefine(offeredOnlyWhenConsent);
export type PurposeUpdateInput = z.input<typeof purposeUpdateSchema>;

/** A consent decision about one purpose (the portal's buttons, the consent API's body). */
export const consentDecisionSchema = z.object({
  purpose: purposeKeySchema,
  /** The version of the text the person was shown; the current one when absent. */
  version: z.number().int().positive().max(1_000_000).optional(),
});
export type ConsentDecisionInput = z.input<typeof consentDecisionSchema>;
