import { describe, expect, it } from "vitest";
import { outboxAccess } from "./outbox-access";

const firstTrial = { devOutbox: true, administratorExists: false, clientIp: "127.0.0.1", host: "localhost:3000" };

describe("who may read the dev outbox", () => {
  it("is nobody when the outbox is off", () => {
    expect(outboxAccess({ ...firstTrial, devOutbox: false })).toBe("off");
  });

  it("is a browser on this machine, by loopback address and loopback host name, while no administrator exists", () => {
    expect(outboxAccess(firstTrial)).toBe("open_to_this_machine");
    expect(outboxAccess({ ...firstTrial, clientIp: "::1", host: "[::1]:3000" })).toBe("open_to_this_machine");
    expect(outboxAccess({ ...firstTrial, host: "127.0.0.1:3000" })).toBe("open_to_this_machine");
  });

  it("refuses another machine, an unknown address, and a loopback request under a foreign name (DNS rebinding)", () => {
    expect(outboxAccess({ ...firstTrial, clientIp: "192.168.1.20" })).toBe("forbidden");
    expect(outboxAccess({ ...firstTrial, clientIp: undefined })).toBe("forbidden");
    expect(outboxAccess({ ...firstTrial, host: "attacker.example:3000" })).toBe("forbidden");
    expect(outboxAccess({ ...firstTrial, host: "localhost.attacker.example" })).toBe("forbidden");
  });

  it("is the administrators' alone once one exists, from this machine too", () => {
    expect(outboxAccess({ ...firstTrial, administratorExists: true })).toBe("administrator_only");
  });
});
