// Thresholds and actions of the risk policy: data, not code. Administrators change them in the
// console (stored, versioned, audited); these are the defaults.
import { z } from "zod";
import { ACTIONS } from "./risk.types";

const action = z.enum(ACTIONS);
const points = z.number().int().min(-100).max(100);

export const riskSettingsSchema = z
  .object({
    /** Score at or above which a sign-in is medium risk, and high risk. */
    mediumAt: z.number().int().min(1).max(200).default(25),
    highAt: z.number().int().min(1).max(200).default(60),
    /** What each band does (the most severe of this and the signals' and rules' floors wins). */
    actions: z
      .object({ low: action.default("allow"), medium: action.default("mfa"), high: action.default("strong_mfa") })
      .default({ low: "allow", medium: "mfa", high: "strong_mfa" }),
    impossibleTravelKmh: z.number().min(100).max(20_000).default(900),
    /** Shorter hops are geo-IP noise (a mobile network's exit moving between nearby cities). */
    minTravelKm: z.number().min(0).max(5000).default(200),
    /** A time of day outside the hours holding this share of the history is unusual. */
    unusualTimeCoverage: z.number().min(0.5).max(0.99).default(0.9),
    /** Sign-ins needed before the time of day means anything. */
    unusualTimeMinHistory: z.number().int().min(3).max(1000).default(10),
    accountFailuresAt: z.number().int().min(1).default(3),
    ipFailuresAt: z.number().int().min(1).default(20),
    /** Distinct accounts failing from one address in a quarter hour: credential stuffing. */
    accountsPerIpAt: z.number().int().min(2).default(5),
    /** Scopes whose refresh goes through the engine: a risky refresh is refused (the user signs in again). */
    highValueScopes: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    /** Transactions above this value need a second factor (null: never). */
    stepUpAboveValue: z.number().min(0).nullable().default(1000),
    scores: z
      .object({
        impossible_travel: points.default(60),
        unusual_time: points.default(25),
        new_device: points.default(25),
        account_failures: points.default(20),
        ip_failures: points.default(30),
        credential_stuffing: points.default(50),
        ip_allowlisted: points.default(-30),
        transaction_value: points.default(0),
      })
      .default({ impossible_travel: 60, unusual_time: 25, new_device: 25, account_failures: 20, ip_failures: 30, credential_stuffing: 50, ip_allowlisted: -30, transaction_value: 0 }),
  })
  .refine((s) => s.highAt > s.mediumAt, { message: "The high-risk score must be above the medium one.", path: ["highAt"] });

export type RiskSettings = z.infer<typeof riskSettingsSchema>;

export const DEFAULT_RISK_SETTINGS: RiskSettings = riskSettingsSchema.parse({});
