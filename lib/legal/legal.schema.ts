// Browser-safe shapes of the legal documents: which documents there are and what publishing a
// version takes.
import { z } from "zod";

export const DOCUMENT_KINDS = ["terms", "privacy"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_NAMES: Record<DocumentKind, string> = { terms: "Terms of service", privacy: "Privacy notice" };
export const DOCUMENT_PATHS: Record<DocumentKind, string> = { terms: "/terms", privacy: "/privacy" };

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === "string" && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

export const TITLE_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 200_000;

/** A new version as the console publishes it; the body is plain text with a small Markdown subset (markdown.ts). */
export const publishSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS, { error: "Choose the terms of service or the privacy notice." }),
  title: z.string().trim().min(1, "Give the version a title.").max(TITLE_MAX_LENGTH, `At most ${TITLE_MAX_LENGTH} characters.`),
  body: z.string().trim().min(1, "Write the document.").max(BODY_MAX_LENGTH, "The document is too long."),
  effectiveAt: z.coerce.date({ error: "Enter the date it takes effect." }).refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() < 3000, "Enter a real date."),
  requiresAcceptance: z.boolean(),
});
export type PublishInput = z.infer<typeof publishSchema>;

/** A version number as it travels in a URL (`/terms?version=3`). */
export const versionParamSchema = z.coerce.number().int().min(1).max(1_000_000);
