// Texting a one-time code: the message, and lib/sms's refusals as this domain's errors.
import "server-only";
import { config } from "@/lib/config";
import { sendSms, SmsError } from "@/lib/sms";
import { MfaError } from "./factors.errors";
import { ONE_TIME_CODE_MINUTES } from "./one-time-code";

export async function textCode(to: string, code: string, purpose: "sign-in-code" | "enrolment-code", field?: "phone"): Promise<void> {
  const host = new URL(config().publicUrl).hostname;
  // The last line makes it an origin-bound one-time code (WICG "Origin-bound one-time codes
  // delivered via SMS"): phones offer to fill it in on this site only, never on a phishing page.
  const text = `Your Portico code is ${code}. It expires in ${ONE_TIME_CODE_MINUTES} minutes. Never share it.\n\n@${host} #${code}`;
  try {
    await sendSms({ to, text, purpose });
  } catch (e) {
    if (!(e instanceof SmsError)) throw e;
    throw new MfaError(e.code === "sms.rate_limited" ? "too_many_attempts" : "send_failed", e.message, field);
  }
}
