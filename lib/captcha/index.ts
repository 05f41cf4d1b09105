// Self-hosted proof-of-work CAPTCHA (ALTCHA v2): the server signs a challenge with a key derived from
// PORTICO_SECRET, the browser finds the counter, the server verifies the signature and the derived key
// and redeems the challenge once (a solved payload cannot be replayed for a second registration).
import "server-only";
import { createChallenge, randomInt, verifySolution, type Challenge, type Payload } from "altcha-lib";
import { deriveKey as shaDeriveKey } from "altcha-lib/algorithms/sha";
import { z } from "zod";
import { config, deriveKey } from "@/lib/config";
import { markChallengeUsed, purgeExpiredChallenges } from "./captcha.repo";

const CHALLENGE_TTL_SECONDS = 10 * 60;

function secrets() {
  return {
    hmacSignatureSecret: deriveKey("altcha-signature").toString("hex"),
    hmacKeySignatureSecret: deriveKey("altcha-key-signature").toString("hex"),
  };
}

export async function createCaptchaChallenge(): Promise<Challenge> {
  const max = config().ALTCHA_MAX_NUMBER;
  return createChallenge({
    algorithm: "SHA-256",
    cost: 1,
    counter: randomInt(Math.floor(max / 10), max),
    deriveKey: shaDeriveKey,
    expiresAt: Math.floor(Date.now() / 1000) + CHALLENGE_TTL_SECONDS,
    ...secrets(),
  });
}

const payloadSchema = z.object({
  challenge: z.object({ parameters: z.looseObject({}), signature: z.string().min(16).max(256) }),
  solution: z.object({ counter: z.number().int().nonnegative(), derivedKey: z.string().max(256) }),
});

/** The widget submits base64(JSON payload). True only for a valid, unexpired, never-used solution. */
export async function verifyCaptcha(encoded: string | undefined | null): Promise<boolean> {
  if (!encoded || encoded.length > 4096) return false;
  let payload: Payload;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(encoded, "base64").toString("utf8")));
    if (!parsed.success) return false;
    payload = parsed.data as unknown as Payload;
  } catch {
    return false;
  }
  const result = await verifySolution({
    challenge: payload.challenge,
    solution: payload.solution,
    deriveKey: shaDeriveKey,
    ...secrets(),
  }).catch(() => ({ verified: false }));
  if (!result.verified) return false;
  const expiresAt = new Date(((payload.challenge.parameters.expiresAt as number | undefined) ?? 0) * 1000);
  if (Math.random() < 0.01) void purgeExpiredChallenges().catch(() => {});
  return markChallengeUsed(payload.challenge.signature!, expiresAt);
}
