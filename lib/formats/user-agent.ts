// The one user-agent parser: browser and operating system from a User-Agent header, coarse on
// purpose. The risk engine keys known devices on its family ("Chrome on macOS", so a copied device
// cookie in another browser is still new); the portal's session list and security mails show it.
// Order matters: Edge, Opera and Samsung Internet also say "Chrome" and "Safari"; Chrome says "Safari".
// No imports: the browser and every layer may use it.

const BROWSERS: [RegExp, string][] = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/SamsungBrowser\//, "Samsung Internet"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Windows/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

export interface UserAgentDescription {
  /** "Chrome", "Firefox", …; null when not recognised. */
  browser: string | null;
  /** "macOS", "Android", …; null when not recognised. */
  system: string | null;
}

export function describeUserAgent(userAgent: string | null | undefined): UserAgentDescription {
  const ua = userAgent ?? "";
  return { browser: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null, system: SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null };
}

/** "Chrome on macOS"; the risk engine stores it with known devices, so its wording must not change. */
export function userAgentFamily(userAgent: string | null | undefined): string {
  const { browser, system } = describeUserAgent(userAgent);
  return `${browser ?? "Unknown browser"} on ${system ?? "unknown system"}`;
}
