"use server";
import { approveDevice, denyDevice, enterUserCode, type DeviceDecision } from "@/lib/oidc";
import { currentSession, formErrorFrom, requestContext } from "@/lib/http";
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

export async function enterDeviceCodeAction(_prev: DeviceCodeState, form: FormData): Promise<DeviceCodeState> {
  const raw = form.get("user_code");
  const code = typeof raw === "string" ? raw.slice(0, 64) : "";
  const values = { user_code: code };
  if (!code.trim()) return { fieldErrors: { user_code: "Enter the code shown on your device." }, values };
  const session = await currentSession();
  if (!session) return { message: SIGNED_OUT, values };
  try {
    const r = await enterUserCode(code, session.user.id, await requestContext());
    if (r.ok) {
      const { requestId, userCode, clientName, scopes } = r.request;
      return { request: { requestId, userCode, clientName, scopes } };
    }
    if (r.reason === "rate_limited") {
      return { message: `Too many attempts. Try again in ${Math.ceil(r.retryAfterSeconds / 60)} minute${r.retryAfterSeconds > 60 ? "s" : ""}.`, values };
    }
    return { fieldErrors: { user_code: "That code is not valid or has expired. Check the code on your device, or start again there." }, values };
  } catch (e) {
    return formErrorFrom(e, values);
  }
}

export async function decideDeviceAction(_prev: DeviceDecisionState, form: FormData): Promise<DeviceDecisionState> {
  const requestId = form.get("request_id");
  const decision = form.get("decision");
  if (typeof requestId !== "string" || (decision !== "approve" && decision !== "deny")) return { message: "Choose Approve or Deny." };
  const session = await currentSession();
  if (!session) return { message: SIGNED_OUT };
  try {
    const approver = { id: session.id, userId: session.user.id, amr: session.amr };
    const ctx = await requestContext();
    const r = decision === "approve" ? await approveDevice(requestId.slice(0, 64), approver, ctx) : await denyDevice(requestId.slice(0, 64), approver, ctx);
    if (!r.ok) return refusal(r);
    return decision === "approve"
      ? { ok: true, message: `Done. ${r.clientName} is connected; you can return to your device.` }
      : { ok: true, message: `Request denied. ${r.clientName} was not given access.` };
  } catch (e) {
    return formErrorFrom(e);
  }
}
