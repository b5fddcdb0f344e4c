import { describe, expect, it } from "vitest";
import { jsonList } from "../../src/http/reply.js";

const text = (body: unknown): { pieces: number; text: string } => {
  if (typeof body === "string") return { pieces: 1, text: body };
  const pieces = [...(body as Iterable<string>)];
  return { pieces: pieces.length, text: pieces.join("") };
};

describe("jsonList", () => {
  it("writes exactly JSON.stringify's text, the list in pieces of about 64 KiB", () => {
    const item = (i: number) => ({ id: String(i), labels: { instance: `host-${i}:9100`, odd: '\u0000list "x"' } });
    for (const n of [0, 1, 3, 5000]) {
      const alerts = Array.from({ length: n }, (_, i) => item(i));
      const value = { status: "success", data: { alerts, cluster: { members: [1, 2] } } };
      const out = text(jsonList(200, value, alerts).body);
      expect(out.text).toBe(JSON.stringify(value));
      if (n === 5000) expect(out.pieces).toBeGreaterThan(Math.floor(out.text.length / 65536));
    }
  });

  it("writes items without a JSON form as null, as JSON.stringify does in arrays", () => {
    const list = [1, undefined, () => 1, { a: undefined }];
    expect(text(jsonList(200, { list }, list).body).text).toBe(JSON.stringify({ list }));
  });

  it("a list that appears twice is written the plain way, still the same text", () => {
    const list = [{ a: 1 }];
    const value = { one: list, two: list };
    const reply = jsonList(200, value, list);
    expect(typeof reply.body).toBe("string");
    expect(reply.body).toBe(JSON.stringify(value));
  });
});
