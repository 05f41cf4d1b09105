"use server";
// Server actions of the risk console. Each checks the administrator itself through the one console
// wrapper (adminActionActor: strong second factor, two-factor session, recent sign-in); the domain
// checks again.
import { revalidatePath } from "next/cache";
import {
  addIpListEntries,
  createRiskRule,
  currentPolicy,
  importCompromisedPasswords,
  removeIpListEntry,
  ruleFromForm,
  saveRiskSettings,
  simulateRiskRule,
  updateRiskRule,
  type SimulationResult,
} from "@/lib/risk";
import { adminActionActor, formErrorFrom, requestContext, type FormState } from "@/lib/http";

const PAGE = "/admin/risk";

const admin = () => adminActionActor(PAGE);

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** The textarea, or the uploaded file when one is chosen (a Tor exit list, a breach dump). */
async function entriesOf(form: FormData): Promise<string> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > 20 * 1024 * 1024) throw new RangeError("file too large");
    return file.text();
  }
  return text(form, "entries");
}

export async function addIpEntriesAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const list = text(form, "list") === "allow" ? "allow" : "deny";
    const { added, invalid } = await addIpListEntries(await admin(), list, await entriesOf(form), text(form, "note"), await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `${added} added to the ${list} list.${invalid.length ? ` Skipped (not addresses or ranges): ${invalid.join(", ")}` : ""}` };
  } catch (e) {
    if (e instanceof RangeError) return { fieldErrors: { entries: "The file is larger than 20 MB." } };
    return formErrorFrom(e);
  }
}

export async function removeIpEntryAction(form: FormData): Promise<void> {
  await removeIpListEntry(await admin(), text(form, "id"), await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e;
  });
  revalidatePath(PAGE);
}

export async function importCompromisedAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const { added, total } = await importCompromisedPasswords(await admin(), await entriesOf(form), text(form, "source"), await requestContext());
    revalidatePath(PAGE);
    return { ok: true, message: `${added} new compromised passwords imported (${total} in all).` };
  } catch (e) {
    if (e instanceof RangeError) return { fieldErrors: { entries: "The file is larger than 20 MB." } };
    return formErrorFrom(e);
  }
}

/** The form holds the main settings; the others (signal scores…) keep their values in force. */
export async function saveSettingsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const num = (name: string, fallback: number) => (text(form, name).trim() === "" ? fallback : Number(text(form, name)));
  const stepUp = text(form, "stepUpAboveValue").trim();
  try {
    const { settings: current } = await currentPolicy();
    await saveRiskSettings(
      await admin(),
      {
        ...current,
        mediumAt: num("mediumAt", current.mediumAt),
        highAt: num("highAt", current.highAt),
        actions: { low: text(form, "lowAction") || current.actions.low, medium: text(form, "mediumAction") || current.actions.medium, high: text(form, "highAction") || current.actions.high },
        impossibleTravelKmh: num("impossibleTravelKmh", current.impossibleTravelKmh),
        stepUpAboveValue: stepUp === "" ? null : Number(stepUp),
        highValueScopes: text(form, "highValueScopes").split(/\s+/).filter(Boolean),
      },
      await requestContext(),
    );
    revalidatePath(PAGE);
    return { ok: true, message: "The risk policy is saved and in force." };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export type RuleFormState = FormState & { simulation?: SimulationResult };

/** One form, two buttons: "Simulate" shows what the rule would have done; "Publish" puts it in force. */
export async function ruleAction(_prev: RuleFormState, form: FormData): Promise<RuleFormState> {
  const rule = ruleFromForm(form);
  try {
    const actor = await admin();
    if (text(form, "intent") === "publish") {
      await createRiskRule(actor, rule, await requestContext());
      revalidatePath(PAGE);
      return { ok: true, message: "The rule is published and in force." };
    }
    return { simulation: await simulateRiskRule(actor, rule) };
  } catch (e) {
    return formErrorFrom(e);
  }
}

export async function deleteRuleAction(form: FormData): Promise<void> {
  await updateRiskRule(await admin(), text(form, "id"), Number(text(form, "version")), null, await requestContext()).catch((e: unknown) => {
    if ((e as { code?: string }).code !== "not_found") throw e;
  });
  revalidatePath(PAGE);
}
