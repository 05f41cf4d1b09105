// Password policy, NIST SP 800-63B rev 4 §3.1.1.2: length only, no composition
// rules, no rotation; refuse common passwords (49k from @zxcvbn-ts/language-common), context words
// (the email's local part, the display name, the product name) and trivially guessable strings.
// Pure and free of Node APIs: the registration form runs the same code for its strength meter.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN_LENGTH_WITH_MFA = 8;
/** When the password is the only factor (rev 4 §3.1.1.2: "SHALL be at least 15"). */
export const PASSWORD_MIN_LENGTH_SINGLE_FACTOR = 15;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordIssueCode = "too_short" | "too_long" | "common" | "contains_context" | "guessable";
export interface PasswordIssue {
  code: PasswordIssueCode;
  message: string;
}
export interface PasswordEvaluation {
  /** 0 (trivial) .. 4 (strong), zxcvbn's estimate */
  score: 0 | 1 | 2 | 3 | 4;
  issues: PasswordIssue[];
}

const common = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
let zxcvbn: ZxcvbnFactory | undefined;
const estimator = () => (zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

/** NFKC, as NIST asks for Unicode passwords, so the same password typed on two keyboards matches. */
/** The password itself (any case) is one of the common ones: attackers try these first. */
export function isCommonPassword(password: string): boolean {
  return common.has(normalizePassword(password).toLowerCase());
}

export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Length in code points, not UTF-16 units: an emoji counts as one character. */
export function passwordLength(password: string): number {
  return [...normalizePassword(password)].length;
}

export function evaluatePassword(
  password: string,
  context: { email?: string; displayName?: string; singleFactor?: boolean } = {},
): PasswordEvaluation {
  const issues: PasswordIssue[] = [];
  const normalized = normalizePassword(password);
  const length = passwordLength(normalized);
  const min = context.singleFactor === false ? PASSWORD_MIN_LENGTH_WITH_MFA : PASSWORD_MIN_LENGTH_SINGLE_FACTOR;
  if (length < min) issues.push({ code: "too_short", message: `Use at least ${min} characters.` });
  if (length > PASSWORD_MAX_LENGTH) {
    issues.push({ code: "too_long", message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` });
    return { score: 0, issues };
  }
  const lower = normalized.toLowerCase();
  if (common.has(lower) || common.has(lower.replace(/[\d\W_]+$/u, ""))) {
    issues.push({ code: "common", message: "This password is on a list of commonly used passwords." });
  }
  const contextWords = [
    context.email?.split("@")[0],
    ...(context.displayName?.split(/\s+/u) ?? []),
    "portico",
  ]
    .map((w) => w?.toLowerCase().trim())
    .filter((w): w is string => Boolean(w && w.length >= 4));
  if (contextWords.some((w) => lower.includes(w))) {
    issues.push({ code: "contains_context", message: "Do not use your name, email or the site's name in your password." });
  }
  const userInputs = contextWords.length ? contextWords : undefined;
  const score = estimator().check(normalized.slice(0, 100), userInputs).score as PasswordEvaluation["score"];
  if (score < 2 && !issues.some((i) => i.code === "common")) {
    issues.push({ code: "guessable", message: "This password is too easy to guess: avoid repeats, sequences and keyboard patterns." });
  }
  return { score, issues };
}
