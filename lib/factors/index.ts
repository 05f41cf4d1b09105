// Factors: what an account can prove itself with besides the password: passkeys (WebAuthn),
// authenticator apps (TOTP, RFC 6238), a phone number for texted codes, codes emailed to the
// account's address, recovery codes; their enrolment, removal and the trusted browsers that stand
// in for them. The sign-in that asks for them is lib/sign-in's.
import "server-only";

export { MfaError, type MfaErrorCode } from "./factors.errors";
export { secondStepInputSchema, factorIdSchema } from "./factors.schema";
export { describeFactor, type MfaUser } from "./activation";
export { hasSecondFactor, secondStepMethods, securityOverview, STRONG_METHODS, type SecondFactorMethod, type SecondStepOptions, type SentCodeChannel } from "./methods";
export { currentTotp, verifyTotp } from "./totp";
export { beginTotpEnrolment, pendingTotpEnrolment, confirmTotpEnrolment, type TotpEnrolment } from "./totp-enrolment";
export { passkeyAuthenticationOptions, verifyPasskeyAssertion, relyingParty, PASSKEY_AMR, CHALLENGE_MINUTES } from "./passkeys";
export { passkeyRegistrationOptions, registerPasskey } from "./passkey-enrolment";
export { beginSmsEnrolment, confirmSmsEnrolment, pendingSmsEnrolment, resendSmsEnrolmentCode, SMS_SENDS_PER_USER } from "./sms-enrolment";
export { textCode } from "./sms-codes";
export { newOneTimeCode, oneTimeCodeHash, oneTimeCodeMatches, ONE_TIME_CODE_MINUTES, RESEND_AFTER_SECONDS } from "./one-time-code";
export { normaliseRecoveryCode, RECOVERY_CODE_COUNT } from "./recovery-codes";
export { regenerateRecoveryCodes } from "./recovery-code-renewal";
export { checkTotpCode, markSmsFactorUsed, reportRecoveryCodeUse, smsFactorOf, spendSignInRecoveryCode } from "./sign-in-checks";
export { removeSecondFactor, removeSignInMethods, resetSecondFactors, signInMethodsOf, spendRecoveryCodeInRecovery, RECOVERY_CODES_ID, type SignInMethod } from "./removal";
export { trustDevice, isTrustedDevice, trustedDeviceCount, revokeTrustedDevicesOf, forgetTrustedDevices, TRUSTED_DEVICE_DAYS } from "./trusted-devices";
export { shouldOfferEnrolment, dismissEnrolmentOffer, OFFER_INTERVAL_DAYS } from "./enrolment-offer";
export { deleteExpiredTrustedDevices, deleteExpiredWebAuthnChallenges } from "./factors.repo";
export { signInMethodsForExport, trustedBrowsersForExport, type SignInMethodsView, type TrustedBrowserView } from "./export-view";
