// The compliance harness's storage: a sample is queryable the moment its remote write is answered, as
// the suite's specification wants of the sample receiver (real VictoriaMetrics behind the proxy).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWriteRequest, snappyCompress } from "../../src/remotewrite/index.js";
import { type Storage, startStorage } from "./storage.js";

let storage: Storage;

beforeAll(async () => {
  storage = await startStorage();
});

afterAll(async () => {
  await storage?.stop();
});

async function write(name: string, value: number, at: number): Promise<void> {
  const body = snappyCompress(
    encodeWriteRequest([{ labels: [{ name: "__name__", value: name }], samples: [{ value, timestamp: at }] }]),
  );
  const res = await fetch(storage.writeURL, {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy" },
    body,
  });
  expect(res.status).toBe(204);
}

async function valueAt(name: string, at: number): Promise<string | undefined> {
  const res = await fetch(`${storage.url}/api/v1/query?query=${name}&time=${(at / 1000).toFixed(3)}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result[0]?.value[1];
}

describe("compliance storage", () => {
  it("answers a query for the very millisecond a sample was written, right after the write", async () => {
    const at = Date.now();
    await write("fresh_series", 7, at);
    expect(await valueAt("fresh_series", at)).toBe("7");
    await write("fresh_series", 8, at + 1);
    expect(await valueAt("fresh_series", at + 1)).toBe("8");
    expect(storage.writes()).toBe(2);
  });
});
