// Consent receipts: the Kantara Initiative Consent Receipt Specification 1.1 (§4, "Consent Receipt
// Fields") as the payload of a JWS signed with Portico's current signing key (lib/keys, the keys
// of ID tokens), so anyone verifies a receipt against /oauth2/jwks by the `kid` in its header.
import "server-only";
import crypto from "node:crypto";
import { config } from "@/lib/config";
import { signJwt } from "@/lib/keys";
import type { Tx } from "./consents.repo";

/** Kantara CR v1.1 §4.1 `version`. */
export const RECEIPT_VERSION = "KI-CR-v1.1.0";
/** RFC 8725 §3.11 explicit typing: a receipt is never mistaken for a token. */
export const RECEIPT_TYP = "consent-receipt+jwt";

/** How a decision was collected: the portal, an application through the consent API, the sign-in pages' profile questions, the registration form. */
export const COLLECTION_METHODS = ["portal", "application", "sign_in", "registration"] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

export interface ReceiptFacts {
  userId: string;
  action: "given" | "withdrawn";
  at: Date;
  method: CollectionMethod;
  /** The application that collected the consent itself (method "application"). */
  collector?: { clientId: string; name: string };
  purpose: { key: string; name: string; legalBasis: string; dataCategories: string[]; retention: string; thirdParty: string | null };
  version: { version: number; text: string };
}

/** The Kantara receipt (its fields in the specification's order), plus JWT `iss`/`sub`/`iat`/`jti` and Portico's own members. */
export interface ConsentReceipt {
  version: string;
  jurisdiction: string;
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: string;
  piiPrincipalId: string;
  piiControllers: { piiController: string; onBehalf?: boolean; contact: string; address: Record<string, string>; email: string; phone: string; piiControllerUrl: string }[];
  policyUrl: string;
  services: {
    service: string;
    purposes: {
      purpose: string;
      purposeCategory: string[];
      consentType: string;
      piiCategory: string[];
      primaryPurpose: boolean;
      termination: string;
      thirdPartyDisclosure: boolean;
      thirdPartyName?: string;
    }[];
  }[];
  sensitive: boolean;
  spiCat: string[];
  iss: string;
  sub: string;
  iat: number;
  jti: string;
  /** What the receipt records beyond Kantara 1.1, which has no withdrawal: the decision and the purpose's key and version. */
  portico: { action: "given" | "withdrawn"; purposeKey: string; purposeVersion: number; legalBasis: string; collector?: { clientId: string; name: string } };
}

const METHOD_WORDS: Record<CollectionMethod, string> = {
  portal: "Given by the person on their account's privacy page",
  application: "Collected by an application and recorded through the consent API",
  sign_in: "Given by the person on Portico's sign-in pages, when an application asked",
  registration: "Given by the person on Portico's registration form, when creating their account",
};

function mailAddress(from: string): string {
  return from.match(/<([^>]+)>/)?.[1] ?? from;
}

export function buildReceipt(f: ReceiptFacts, id: string = crypto.randomUUID()): ConsentReceipt {
  const url = config().publicUrl;
  const seconds = Math.floor(f.at.getTime() / 1000);
  const collectionMethod = f.method === "application" && f.collector ? `${METHOD_WORDS.application} (${f.collector.name}, client_id ${f.collector.clientId})` : METHOD_WORDS[f.method];
  return {
    version: RECEIPT_VERSION,
    jurisdiction: "EU",
    consentTimestamp: seconds,
    collectionMethod,
    consentReceiptID: id,
    language: "en",
    piiPrincipalId: f.userId,
    piiControllers: [{ piiController: new URL(url).host, contact: "Data protection contact", address: {}, email: mailAddress(config().MAIL_FROM), phone: "", piiControllerUrl: url }],
    policyUrl: `${url}/privacy`,
    services: [
      {
        service: f.collector?.name ?? new URL(url).host,
        purposes: [
          {
            purpose: f.version.text,
            purposeCategory: [f.purpose.name],
            // Kantara §4.5: EXPLICIT for a consent given by an affirmative act; a withdrawal is recorded under the same purpose.
            consentType: "EXPLICIT",
            piiCategory: f.purpose.dataCategories,
            primaryPurpose: false,
            termination: f.purpose.retention,
            thirdPartyDisclosure: Boolean(f.purpose.thirdParty),
            ...(f.purpose.thirdParty ? { thirdPartyName: f.purpose.thirdParty } : {}),
          },
        ],
      },
    ],
    sensitive: false,
    spiCat: [],
    iss: url,
    sub: f.userId,
    iat: seconds,
    jti: id,
    portico: { action: f.action, purposeKey: f.purpose.key, purposeVersion: f.version.version, legalBasis: f.purpose.legalBasis, ...(f.collector ? { collector: f.collector } : {}) },
  };
}

/**
 * The compact JWS of a receipt, header `{ alg, kid, typ: "consent-receipt+jwt" }`, with the key
 * active now: not the one active at `iat`, which is whole seconds and may precede every key.
 */
export function signReceipt(receipt: ConsentReceipt, tx?: Tx): Promise<string> {
  return signJwt({ ...receipt }, { typ: RECEIPT_TYP, tx });
}
