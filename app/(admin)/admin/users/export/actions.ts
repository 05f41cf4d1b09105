"use server";
// The user export form: the wrapper checks the administrator (lib/http adminAction) and parses the
// form with the domain's schema; the domain checks users:export again, with its scope.
import { revalidatePath } from "next/cache";
import { startExport } from "@/lib/user-import";
import { exportRequestSchema } from "@/lib/user-import/user-import.schema";
import { adminAction, formValues, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/users/export";
const FIELDS = ["format", "status", "createdFrom", "createdTo"] as const;

export const startExportAction = adminAction(
  {
    permission: "users:export",
    returnTo: PAGE,
    schema: exportRequestSchema,
    input: (_prev: FormState, form: FormData) => formValues(form, [...FIELDS]),
    echo: (_prev, form) => formValues(form, [...FIELDS]),
  },
  async (request, actor): Promise<FormState> => {
    await startExport(actor, request, await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: "The export is queued. This page follows its progress; download it when it is done." };
  },
);
