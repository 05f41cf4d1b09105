import { describe, expect, it } from "vitest";
import { MailError } from "./mail.errors";
import { renderTemplate, templateNames, type TemplateData, type TemplateName } from "./templates";

const samples: { [K in TemplateName]: TemplateData[K] } = {
  "verify-email": { link: "https://id.example.com/verify?token=abc&x=1", name: "Ada" },
  "reset-password": { link: "https://id.example.com/reset?token=def" },
  "account-locked": {
    unlockLink: "https://id.example.com/unlock?t=1",
    resetLink: "https://id.example.com/reset?t=2",
    minutes: 15,
  },
  "password-changed": { resetLink: "https://id.example.com/forgot" },
  "email-change-confirm": { link: "https://id.example.com/confirm-email-change?token=abc", hours: 24, name: "Ada" },
  "email-change-requested": { newEmail: "someone.new@example.org", cancelLink: "https://id.example.com/cancel-email-change?token=def", days: 7, name: "Ada" },
  "email-changed-notice": { newEmail: "someone.new@example.org", revertLink: "https://id.example.com/cancel-email-change?token=ghi", days: 7, name: "Ada" },
  "already-registered": { signInLink: "https://id.example.com/login", resetLink: "https://id.example.com/forgot-password" },
  "recovery-code-used": { remaining: 9, securityLink: "https://id.example.com/account/security" },
  "two-step-changed": { enabled: true, securityLink: "https://id.example.com/account/security" },
  "sign-in-method-changed": { change: "added", methods: ["Passkey “Work laptop”"], securityLink: "https://id.example.com/account/security", resetLink: "https://id.example.com/forgot-password" },
  "sign-in-code": { code: "123456", minutes: 10 },
  "data-export-ready": { link: "https://id.example.com/account/data/download?export=00000000-0000-4000-8000-000000000000&token=abc", expiresAt: "7 December 2026, 12:00 UTC" },
  "new-sign-in": { device: "Chrome on macOS", place: "Madrid, ES", at: "2026-11-30 12:00 UTC", notMeLink: "https://id.example.com/not-me?token=abc", securityLink: "https://id.example.com/account/security" },
  "risk-alert": { account: "ada@example.com", action: "deny", score: 85, explanation: "new device", place: "Tokyo, JP", at: "2026-11-30 12:00 UTC", consoleLink: "https://id.example.com/admin/risk" },
  "account-deletion-scheduled": { erasureDate: "4 January 2027", cancelLink: "https://id.example.com/cancel-deletion?token=abc", name: "Ada" },
  "account-erased": { name: "Ada" },
  "role-changed": { change: "granted", role: "Help desk (region=EU)", consoleLink: "https://id.example.com/admin" },
  invitation: { link: "https://id.example.com/accept-invitation?token=abc", hours: 72, name: "Ada" },
  "webhook-disabled": { url: "https://hooks.example.com/portico", hours: 120, failures: 42, since: "2026-11-30T12:00:00.000Z", consoleLink: "https://id.example.com/admin/webhooks/00000000-0000-4000-8000-000000000000" },
  "account-changed-by-admin": { change: "application_removed", application: "Shop", securityLink: "https://id.example.com/account/security", resetLink: "https://id.example.com/forgot-password", name: "Ada" },
};

describe("mail templates", () => {
  it.each(templateNames)("%s renders a subject, a text part and an HTML part naming Portico", (name) => {
    const m = renderTemplate(name, samples[name] as never);
    expect(m.subject).toContain("Portico");
    expect(m.subject.length).toBeLessThanOrEqual(200);
    expect(m.text.length).toBeGreaterThan(20);
    expect(m.html).toMatch(/^<!doctype html>/);
    expect(m.html).toContain("Portico");
  });

  it("puts every link in both parts (escaped in HTML)", () => {
    const m = renderTemplate("account-locked", samples["account-locked"]);
    for (const link of ["https://id.example.com/unlock?t=1", "https://id.example.com/reset?t=2"]) {
      expect(m.text).toContain(link);
      expect(m.html).toContain(`href="${link}"`);
    }
    expect(m.text).toContain("15 minutes");
    const v = renderTemplate("verify-email", samples["verify-email"]);
    expect(v.text).toContain("https://id.example.com/verify?token=abc&x=1");
    expect(v.html).toContain('href="https://id.example.com/verify?token=abc&amp;x=1"');
  });

  it("escapes interpolated values: a hostile display name never appears as markup", () => {
    const name = `<script>alert("x")</script><img src=x onerror='y'>`;
    for (const t of templateNames) {
      const m = renderTemplate(t, { ...samples[t], name } as never);
      expect(m.html).not.toContain("<script>");
      expect(m.html).not.toContain("<img");
      expect(m.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(m.text).toContain(name); // plain text is not HTML: shown verbatim
      expect(m.subject).not.toContain("<");
    }
    const e = renderTemplate("email-changed-notice", { ...samples["email-changed-notice"], newEmail: `"><b>x</b>@evil.example` });
    expect(e.html).not.toContain("<b>");
  });

  it("masks the new address in the notices sent to the old one, and gives them the way back", () => {
    for (const name of ["email-change-requested", "email-changed-notice"] as const) {
      const m = renderTemplate(name, samples[name]);
      expect(m.text).toContain("s***@example.org");
      expect(m.text).not.toContain("someone.new");
      expect(m.text).toContain("https://id.example.com/cancel-email-change?token=");
      expect(m.text).toContain("7 days");
    }
  });

  it("refuses links that are not absolute http(s) URLs", () => {
    for (const link of ["javascript:alert(1)", "/relative/path", "data:text/html,hi"]) {
      expect(() => renderTemplate("reset-password", { link })).toThrow(MailError);
      try {
        renderTemplate("reset-password", { link });
      } catch (e) {
        expect((e as MailError).code).toBe("mail.invalid_link");
      }
    }
  });

  it("rejects an unknown template name with a stable code", () => {
    expect(() => renderTemplate("nope" as TemplateName, {} as never)).toThrow(
      expect.objectContaining({ code: "mail.unknown_template" }),
    );
  });
});
