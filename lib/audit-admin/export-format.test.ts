// The export's formats: RFC 4180 CSV (quoting, doubled quotes, CRLF) with formula cells defused,
// and one JSON value per line.
import { describe, expect, it } from "vitest";
import type { AuditLogRow } from "@/lib/audit";
import { CSV_HEADER, csvField, csvLine, jsonLine } from "./export-format";

const row: AuditLogRow = {
  id: "42",
  createdAt: new Date("2026-12-14T09:30:00.000Z"),
  actorType: "user",
  actorId: "a1",
  action: "user.updated",
  targetType: "user",
  targetId: "t1",
  result: "success",
  ip: "203.0.113.9",
  userAgent: 'Mozilla "quoted", with comma',
  details: { note: "line one\nline two" },
};

describe("csvField", () => {
  it("leaves plain text bare and null empty", () => {
    expect(csvField("user.created")).toBe("user.created");
    expect(csvField(null)).toBe("");
    expect(csvField("")).toBe("");
  });

  it("quotes a comma, a quote (doubled) or a line break (RFC 4180 §2.6-2.7)", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("one\r\ntwo")).toBe('"one\r\ntwo"');
    expect(csvField("one\ntwo")).toBe('"one\ntwo"');
  });

  it("defuses cells a spreadsheet would run as a formula: = + - @, tab and carriage return", () => {
    expect(csvField("=HYPERLINK(\"http://evil\")")).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField("+1")).toBe(`"'+1"`);
    expect(csvField("-2+3")).toBe(`"'-2+3"`);
    expect(csvField("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvField("\t=1")).toBe(`"'\t=1"`);
    expect(csvField("a=b")).toBe("a=b");
  });
});

describe("lines", () => {
  it("CSV: a header and records ending with CRLF, details as JSON in one quoted cell", () => {
    expect(CSV_HEADER).toBe("id,createdAt,actorType,actorId,action,targetType,targetId,result,ip,userAgent,details\r\n");
    expect(csvLine(row)).toBe(`42,2026-12-14T09:30:00.000Z,user,a1,user.updated,user,t1,success,203.0.113.9,"Mozilla ""quoted"", with comma","{""note"":""line one\\nline two""}"\r\n`);
    expect(csvLine({ ...row, actorId: null, details: null }).split(",")[3]).toBe("");
  });

  it("JSON Lines: one JSON object per line, UTC time, nothing else on the line", () => {
    const line = jsonLine(row);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ ...row, createdAt: "2026-12-14T09:30:00.000Z" });
  });
});
