// Lint, including the dependency rule (docs/architecture.md, "Layers and the dependency rule"):
// app -> lib/http -> lib/sign-in -> lib/<domain>/index.ts -> lib/<domain>/*.repo.ts -> lib/db.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// lib/http/server-marker: proxy.ts needs it without the server-only index (and all it imports).
const domainInternals = {
  group: ["@/lib/*/*", "!@/lib/*/index", "!@/lib/*/*.schema", "!@/lib/http/form-action", "!@/lib/http/server-marker", "!@/lib/credentials/password-policy"],
  message: "Import a domain through its index.ts (or its *.schema.ts): its internals may change without its callers. docs/architecture.md.",
};
const noDb = {
  group: ["@/lib/db", "@/lib/db/*", "**/generated/*"],
  message: "Only lib/<domain>/*.repo.ts may use the database.",
  allowTypeImports: true,
};
const noApp = { group: ["@/app/*"], message: "Nothing imports from app/." };
// lib/sign-in combines domains (users, factors, risk, sessions, oidc) for the sign-in journey: they
// never import it back. Only lib/http and app use it, and lib/startup (the janitor's sweep).
const noSignIn = {
  group: ["@/lib/sign-in", "@/lib/sign-in/*"],
  message: "lib/sign-in sits above the domains: only lib/http, app and lib/startup import it. docs/architecture.md.",
};
// lib/sign-in sits below lib/http: cookies come in and go out as values.
const noHttpFromSignIn = {
  group: ["@/lib/http", "@/lib/http/*", "next/headers"],
  message: "lib/sign-in takes and returns cookies as values; lib/http reads and sets them. docs/architecture.md.",
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: [".next/**", "node_modules/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
  {
    // Test helpers named use* are not React hooks.
    files: ["**/*.test.ts", "test/**/*.ts", "e2e/**/*.ts"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["app/**/*.{ts,tsx}", "proxy.ts", "instrumentation.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [domainInternals, noDb] }] },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [domainInternals, noDb, noApp] }] },
  },
  {
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["lib/**/*.repo.ts", "lib/db/**", "lib/**/*.test.ts", "lib/sign-in/**", "lib/http/**", "lib/startup/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDb, noApp, noSignIn] }] },
  },
  {
    files: ["lib/sign-in/**/*.{ts,tsx}"],
    ignores: ["lib/**/*.repo.ts", "lib/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDb, noApp, noHttpFromSignIn] }] },
  },
  {
    files: ["lib/http/**/*.{ts,tsx}", "lib/startup/**/*.{ts,tsx}"],
    ignores: ["lib/**/*.repo.ts", "lib/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [noDb, noApp] }] },
  },
  {
    // The errors' base is imported by every layer, so it imports nothing of ours.
    files: ["lib/errors/**/*.ts"],
    ignores: ["lib/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["@/*", "./*", "../*"], message: "lib/errors imports nothing: every layer imports it." }] }] },
  },
  {
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["lib/db/**", "lib/**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          // Cross-domain imports go through the other domain's index.ts, or its *.schema.ts: the
          // browser-safe input schemas, shared so one rule validates a value wherever it is written.
          selector: "ImportDeclaration[source.value=/^@\\/lib\\/(?!db$|db\\/)[^/]+\\/(?!index$)(?![^/]+\\.schema$).+/]",
          message: "Import another domain through its index.ts (or its *.schema.ts): domains talk to each other only through them. docs/architecture.md.",
        },
      ],
    },
  },
];
export default config;
