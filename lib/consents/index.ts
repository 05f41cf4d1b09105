// Processing purposes and consent to them (GDPR art. 6(1)(a), 7): purposes with versioned texts
// (purposes.ts), each person's decisions and the signed receipt of every decision in an
// append-only ledger (decisions.ts, receipts.ts: Kantara Consent Receipt 1.1 as a JWS).
// Applications read and record decisions through the consent API (lib/http/endpoints/consent).
import "server-only";
export {
  listPurposes,
  findPurpose,
  listPurposesForAdmin,
  createPurpose,
  updatePurpose,
  publishPurposeVersion,
  purposesOfferedAtRegistration,
  checkRegistrationConsents,
  type PurposeView,
  type PurposeVersionView,
  type RegistrationConsent,
} from "./purposes";
export {
  consentDecisionsOf,
  purposesWithDecisions,
  giveConsent,
  giveRegistrationConsents,
  withdrawConsent,
  receiptsOf,
  receiptOf,
  eraseConsentReceiptsOf,
  purposeConsentsForExport,
  type ConsentDecision,
  type DecisionContext,
  type DecisionOutcome,
  type StoredReceipt,
} from "./decisions";
export { RECEIPT_VERSION, RECEIPT_TYP, COLLECTION_METHODS, type ConsentReceipt, type CollectionMethod } from "./receipts";
export { ConsentError, type ConsentErrorCode } from "./consents.errors";
export { LEGAL_BASES, LEGAL_BASIS_LABELS, type LegalBasis, type PurposeInput, type PurposeUpdateInput, type ConsentDecisionInput } from "./consents.schema";
