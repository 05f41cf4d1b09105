"use server";
import { approveDevice, denyDevice, enterUserCode, type DeviceDecision } from "@/lib/oidc";
import { z } from "zod";
import { customerAction, requestContext } from "@/lib/http";
import type { DeviceCodeState, DeviceDecisionState } from "@/components/auth/device-flow";

const SIGNED_OUT = "Your session has ended. Sign in again and re-enter the code.";

/** What the user reads, and can do, when this session may not approve (the browser flow's rules). */
function refusal(r: Extract<DeviceDecision, { ok: false }>): DeviceDecisionState {
  const back = `/device?user_code=${encodeURIComponent(r.userCode ?? "")}`;
  const name = r.clientName ?? "This application";
  switch (r.reason) {
    case "sign_in_again":
      return { message: `${name} needs a sign-in with two-step verification. Sign in again, then confirm the code.`, link: { href: `/login?${new URLSearchParams({ force: "1", next: back })}`, label: "Sign in again" } };
    case "set_up_factor":
      return { message: `${name} requires two-step verification. Set it up, then confirm the code.`, link: { href: `/account/security?${new URLSearchParams({ mfa: "required", next: back })}`, label: "Set up two-step verification" } };
    case "unmet_authentication_requirements":
      return { message: `${name} asks for two-step verification, and your account has none set up. Set it up first, or deny the request.`, link: { href: `/account/security?${new URLSearchParams({ next: back })}`, label: "Set up two-step verification" } };
    case "refused":
      return { message: "This request cannot be approved from this session. Start again on your device." };
    default:
      return { message: "This request has expired or was already answered. Start again on your device." };
  }
}

const deviceCodeSchema = z.object({ user_code: z.string().refine((c) => c.trim() !== "", "Enter the code shown on your device.") });

export const enterDeviceCodeAction = customerAction(
  {
    schema: deviceCodeSchema,
    input: (_prev: DeviceCodeState, form: FormData) => ({ user_code: codeOf(form) }),
    echo: (_prev, form) => ({ user_code: codeOf(form) }),
    returnTo: "/device",
    signedOutMessage: SIGNED_OUT,
  },
  async ({ user_code: code }, session): Promise<DeviceCodeState> => {
    const values = { user_code: code };
    const r = await enterUserCode(code, session.user.id, await requestContext());
    if (r.ok) {
      const { requestId, userCode, clientName, scopes } = r.request;
      return { request: { requestId, userCode, clientName, scopes } };
    }
    if (r.reason === "rate_limited") {
      return { message: `Too many attempts. Try again in ${Math.ceil(r.retryAfterSeconds / 60)} minute${r.retryAfterSeconds > 60 ? "s" : ""}.`, values };
    }
    return { fieldErrors: { user_code: "That code is not valid or has expired. Check the code on your device, or start again there." }, values };
  },
);

function codeOf(form: FormData): string {
  const raw = form.get("user_code");
  return typeof raw === "string" ? raw.slice(0, 64) : "";
}

const deviceDecisionSchema = z.object({ requestId: z.string().transform((id) => id.slice(0, 64)), decision: z.enum(["approve", "deny"]) });

export const decideDeviceAction = customerAction(
  {
    schema: deviceDecisionSchema,
    input: (_prev: DeviceDecisionState, form: FormData) => ({ requestId: form.get("request_id"), decision: form.get("decision") }),
    invalid: () => ({ message: "Choose Approve or Deny." }),
    returnTo: "/device",
    signedOutMessage: SIGNED_OUT,
  },
  async ({ requestId, decision }, session): Promise<DeviceDecisionState> => {
    const approver = { id: session.id, userId: session.user.id, amr: session.amr };
    const ctx = await requestContext();
    const r = decision === "approve" ? await approveDevice(requestId, approver, ctx) : await denyDevice(requestId, approver, ctx);
    if (!r.ok) return refusal(r);
    return decision === "approve"
      ? { ok: true, message: `Done. ${r.clientName} is connected; you can return to your device.` }
      : { ok: true, message: `Request denied. ${r.clientName} was not given access.` };
  },
);
