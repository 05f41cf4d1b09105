import "server-only";
export {
  reserveLoginAttempt,
  recordLoginFailure,
  loginAttemptSucceeded,
  cancelLoginAttempt,
  clearLoginThrottle,
  delayAfterFailures,
  accountKey,
  resetLoginThrottleForTests,
  type LoginAttempt,
  type ThrottleVerdict,
} from "./login-throttle";
export { consumeLimit, refundLimit, resetFixedWindowLimitsForTests } from "./fixed-window";
export { closeRateLimitStore, type LimiterSpec } from "./store";
export { sweepExpiredCounters } from "./sweep";
