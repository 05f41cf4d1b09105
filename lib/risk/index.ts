// The risk engine: a pipeline of pure signals (signals/), a scorer and a policy step
// (pipeline.ts, policy.ts), fed by what the database knows about the account, the device and the
// address (assess.ts). No Next.js in here: sign-in actions and lib/http call it.
import "server-only";

export { assessSignIn, assessTokenRefresh, assessAuthorization, closeAbandonedSignIns, completeAssessment, refuseAssessment, applicationContext, type Assessment, type SignInAttempt } from "./assess";
export { evaluateRisk, type RiskEvaluation } from "./pipeline";
export { currentPolicy, saveRiskSettings, createRiskRule, updateRiskRule, simulateRiskRule, forgetPolicyCache, type StoredRule, type SimulationResult } from "./policy-store";
export { addIpListEntries, removeIpListEntry, ipListEntries, importCompromisedPasswords, compromisedPasswordCount } from "./admin-lists";
export { newDeviceCookieValue, deviceHashOf } from "./device";
export { locateIp, placeOfIp } from "./geoip";
export { ipListOf } from "./ip-lists";
export { RiskError, DENIED_MESSAGE, type RiskErrorCode } from "./risk.errors";
export { DEFAULT_RISK_SETTINGS, riskSettingsSchema, type RiskSettings } from "./risk-settings";
export { riskRuleSchema, FEATURE_TYPES, type RiskRule, type FeatureName } from "./risk-rules.schema";
export { ACTIONS, type RiskAction, type RiskBand } from "./risk.types";
export { listRecentAlerts } from "./alerts-list";
export { recentAssessmentsForExport, EXPORTED_ASSESSMENT_DAYS, type AssessmentView } from "./export-view";
export { ruleFromForm, RULE_CONDITION_ROWS } from "./rule-form.schema";
