import { describe, expect, it } from "vitest";
import { describeUserAgent, userAgentFamily } from "./index";

const UA = {
  chromeMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  edgeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0",
  safariIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  samsungAndroid: "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
};

describe("the user-agent parser", () => {
  it("names the browser before the engines it claims to be, and the system", () => {
    expect(describeUserAgent(UA.chromeMac)).toEqual({ browser: "Chrome", system: "macOS" });
    expect(describeUserAgent(UA.edgeWindows)).toEqual({ browser: "Edge", system: "Windows" });
    expect(describeUserAgent(UA.safariIphone)).toEqual({ browser: "Safari", system: "iOS" });
    expect(describeUserAgent(UA.firefoxLinux)).toEqual({ browser: "Firefox", system: "Linux" });
    expect(describeUserAgent(UA.samsungAndroid)).toEqual({ browser: "Samsung Internet", system: "Android" });
  });

  it("says nothing it does not know", () => {
    expect(describeUserAgent(undefined)).toEqual({ browser: null, system: null });
    expect(describeUserAgent("curl/8.5.0")).toEqual({ browser: null, system: null });
  });

  it("keeps the family wording the risk engine stores with known devices", () => {
    expect(userAgentFamily(UA.chromeMac)).toBe("Chrome on macOS");
    expect(userAgentFamily(null)).toBe("Unknown browser on unknown system");
  });
});
