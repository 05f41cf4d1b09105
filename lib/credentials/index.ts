import "server-only";
export { hashPassword, verifyPassword, burnVerification, needsRehash } from "./password-hash";
export { parsePasswordHash, passwordScheme, HASH_LIMITS, type PasswordScheme } from "./legacy-hash";
export {
  evaluatePassword,
  isCommonPassword,
  normalizePassword,
  passwordLength,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_SINGLE_FACTOR,
  type PasswordIssue,
} from "./password-policy";
