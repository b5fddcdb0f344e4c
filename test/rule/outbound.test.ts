// Prometheus semantics add -external.label where alerts and series leave the process (src/rule/outbound.ts).
import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/flagset.js";
import { engineSettings } from "../../src/cli/options.js";
import { createMemoryWriter } from "../../src/remotewrite/memory.js";
import {
  externalLabelsWriter,
  outboundWriter,
  withExternalLabels,
  withoutExternalLabels,
} from "../../src/rule/outbound.js";
import { labelMap } from "./fakes.js";

const EXT = { cluster: "eu", team: "ops" };

describe("external labels on the way out", () => {
  it("adds the labels an alert lacks and keeps the ones it has (an empty value counts as absent)", () => {
    expect(withExternalLabels({ alertname: "A", team: "db" }, EXT)).toEqual({
      alertname: "A",
      cluster: "eu",
      team: "db",
    });
    expect(withExternalLabels({ alertname: "A", team: "" }, EXT)).toEqual({
      alertname: "A",
      cluster: "eu",
      team: "ops",
    });
    const full = { cluster: "us", team: "db" };
    expect(withExternalLabels(full, EXT)).toBe(full);
  });

  it("a writer adds them to each series, keeping the labels sorted by name", () => {
    const w = createMemoryWriter();
    const out = externalLabelsWriter(w, EXT);
    out.push([
      {
        labels: [
          { name: "__name__", value: "ALERTS" },
          { name: "alertname", value: "A" },
          { name: "team", value: "db" },
        ],
        samples: [{ value: 1, timestamp: 0 }],
      },
    ]);
    expect(w.series[0].labels.map((l: { name: string }) => l.name)).toEqual([
      "__name__",
      "alertname",
      "cluster",
      "team",
    ]);
    expect(labelMap(w.series[0])).toEqual({ __name__: "ALERTS", alertname: "A", cluster: "eu", team: "db" });
    expect(externalLabelsWriter(w, {})).toBe(w);
  });

  it("a series read back loses only the labels whose value is the external one", () => {
    expect(withoutExternalLabels({ alertname: "A", cluster: "eu", team: "db" }, EXT)).toEqual({
      alertname: "A",
      team: "db",
    });
    expect(withoutExternalLabels({ alertname: "A", team: "db" }, EXT)).toBeNull();
  });

  it("the engine's writer adds them only with -rule.semantics=prometheus", () => {
    const w = createMemoryWriter();
    const settingsOf = (argv: string[]) =>
      engineSettings(parseFlags(["-external.label=cluster=eu", ...argv], {}).flags);
    expect(outboundWriter(w, settingsOf([]))).toBe(w);
    const prom = outboundWriter(w, settingsOf(["-rule.semantics=prometheus"]));
    prom.push([{ labels: [{ name: "__name__", value: "r" }], samples: [{ value: 1, timestamp: 0 }] }]);
    expect(labelMap(w.series[0])).toEqual({ __name__: "r", cluster: "eu" });
  });
});
