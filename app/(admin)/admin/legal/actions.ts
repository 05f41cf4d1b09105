"use server";
// Publishing a version of the terms or the privacy notice: the wrapper checks the administrator
// and parses the form with the domain's schema; the domain checks again.
import { revalidatePath } from "next/cache";
import { DOCUMENT_NAMES, publishDocument } from "@/lib/legal";
import { publishSchema } from "@/lib/legal/legal.schema";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/legal";

export const publishDocumentAction = adminAction(
  {
    permission: "legal:write",
    returnTo: PAGE,
    schema: publishSchema,
    input: (_prev: FormState, form: FormData) => ({
      kind: form.get("kind"),
      title: form.get("title") ?? "",
      body: form.get("body") ?? "",
      // A date input: the day begins at midnight UTC.
      effectiveAt: typeof form.get("effectiveAt") === "string" && form.get("effectiveAt") !== "" ? `${String(form.get("effectiveAt"))}T00:00:00Z` : undefined,
      requiresAcceptance: form.get("requiresAcceptance") === "on",
    }),
    echo: (_prev, form) => ({ ...formValues(form, ["kind", "title", "effectiveAt"]), body: String(form.get("body") ?? "").slice(0, 200_000), requiresAcceptance: form.get("requiresAcceptance") === "on" ? "on" : "" }),
  },
  async (input, actor): Promise<FormState> => {
    const doc = await publishDocument(actor, input, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `${DOCUMENT_NAMES[input.kind]} version ${doc.version} is published.` };
  },
);
