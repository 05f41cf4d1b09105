import "server-only";
export {
  checkLoginThrottle,
  recordLoginFailure,
  clearLoginThrottle,
  delayAfterFailures,
  accountKey,
  resetLoginThrottleForTests,
  type ThrottleVerdict,
} from "./login-throttle";
export { consumeLimit, refundLimit, resetFixedWindowLimitsForTests } from "./fixed-window";
export { closeRateLimitStore, type LimiterSpec } from "./store";
