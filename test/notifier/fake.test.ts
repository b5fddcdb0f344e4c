import { describe, expect, test } from "vitest";
import { RecordingNotifier, staticNotifierSet } from "../../src/notifier/fake.js";

describe("RecordingNotifier", () => {
  test("records alerts and headers; failWith makes send reject and sets lastError", async () => {
    const n = new RecordingNotifier();
    const set = staticNotifierSet(n);
    const alert = {
      labels: { alertname: "A" },
      annotations: {},
      startsAt: new Date(0),
      endsAt: new Date(1),
      generatorURL: "",
    };
    await set.notifiers()[0]?.send([alert], { "X-A": "1" });
    expect(n.alerts()).toEqual([alert]);
    expect(n.sent[0]?.headers).toEqual({ "X-A": "1" });
    n.failWith = new Error("down");
    await expect(n.send([alert])).rejects.toThrow("down");
    expect(n.lastError()).toBe("down");
  });
});
