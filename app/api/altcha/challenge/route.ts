// Issues a signed proof-of-work challenge for the registration form (ALTCHA v2).
import { createCaptchaChallenge } from "@/lib/captcha";
import { otherMethods } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET() {
  const challenge = await createCaptchaChallenge();
  return Response.json(challenge, { headers: { "Cache-Control": "no-store" } });
}
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
