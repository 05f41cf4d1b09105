// The error pages look their texts up by the `reason` query parameter: a name that Object itself has
// ("__proto__" broke the page with a 500, "constructor" showed an empty message) must get the
// generic text, like any other unknown reason.
import { describe, expect, it } from "vitest";
import { renderToString } from "react-dom/server";
import AuthorizeErrorPage from "@/app/(auth)/authorize-error/page";
import RpLogoutErrorPage from "@/app/(auth)/logout/error/page";

describe.each([
  ["/authorize-error", AuthorizeErrorPage, "malformed sign-in request"],
  ["/logout/error", RpLogoutErrorPage, "sign-out request was malformed"],
])("%s", (_path, Page, generic) => {
  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "no_such_reason"])("shows the generic text for reason=%s", async (reason) => {
    const html = renderToString(await Page({ searchParams: Promise.resolve({ reason }) }));
    expect(html).toContain(generic);
  });

  it("shows a known reason's own text", async () => {
    const html = renderToString(await Page({ searchParams: Promise.resolve({ reason: "unknown_client" }) }));
    expect(html).not.toContain(generic);
  });
});
