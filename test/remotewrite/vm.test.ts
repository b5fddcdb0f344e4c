// Remote write to a real VictoriaMetrics, read back with /api/v1/export.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteWriter, type RemoteWriter, staleSample, type TimeSeries } from "../../src/remotewrite/index.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";
import { captureLogger } from "./log.js";

interface Exported {
  metric: Record<string, string>;
  values: (number | null)[];
  timestamps: number[];
}

function key(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(",");
}

async function exportSeries(vm: string, match: string): Promise<Exported[]> {
  await fetch(`${vm}/internal/force_flush`);
  const res = await fetch(`${vm}/api/v1/export?match[]=${encodeURIComponent(match)}&start=0`);
  const text = await res.text();
  if (!res.ok) throw new Error(`export: ${res.status} ${text}`);
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Exported)
    .sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : 1));
}

function ts(labels: Record<string, string>, samples: TimeSeries["samples"]): TimeSeries {
  return {
    labels: Object.keys(labels)
      .sort()
      .map((name) => ({ name, value: labels[name] })),
    samples,
  };
}

describe("remote write to real victoria-metrics", () => {
  let vm: RunningServer;
  let writer: RemoteWriter;
  const { logger, lines } = captureLogger();
  // Whole seconds, a little in the past, as the engine writes them.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;

  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    writer = createRemoteWriter({ url: vm.url, flushInterval: 60_000 }, logger);
  });
  afterAll(async () => {
    await writer?.close(5_000);
    await vm?.stop();
  });

  it("delivers names, labels, values and timestamps on flush", async () => {
    writer.push([
      ts({ __name__: "job:requests:rate5m", job: "api", env: "prod" }, [{ value: 12.25, timestamp: t0 }]),
      ts({ __name__: "job:requests:rate5m", job: "db", env: "prod" }, [{ value: -3, timestamp: t0 }]),
      ts({ __name__: "ALERTS", alertname: "HighLoad", alertstate: "firing", alertgroup: "g1" }, [
        { value: 1, timestamp: t0 },
      ]),
      ts({ __name__: "ALERTS_FOR_STATE", alertname: "HighLoad", alertgroup: "g1", label_ü: "wert ✓" }, [
        { value: t0 / 1000 - 120, timestamp: t0 },
      ]),
    ]);
    // flushInterval is a minute: only flush() can have sent this.
    await writer.flush();
    const rec = await exportSeries(vm.url, "job:requests:rate5m");
    expect(rec.map((r) => [r.metric, r.values, r.timestamps])).toEqual([
      [{ __name__: "job:requests:rate5m", env: "prod", job: "api" }, [12.25], [t0]],
      [{ __name__: "job:requests:rate5m", env: "prod", job: "db" }, [-3], [t0]],
    ]);
    const alerts = await exportSeries(vm.url, '{__name__=~"ALERTS|ALERTS_FOR_STATE"}');
    expect(alerts).toEqual([
      {
        metric: { __name__: "ALERTS", alertgroup: "g1", alertname: "HighLoad", alertstate: "firing" },
        values: [1],
        timestamps: [t0],
      },
      {
        metric: { __name__: "ALERTS_FOR_STATE", alertgroup: "g1", alertname: "HighLoad", label_ü: "wert ✓" },
        values: [t0 / 1000 - 120],
        timestamps: [t0],
      },
    ]);
    expect(lines().filter((l) => l.level >= 40)).toEqual([]);
  });

  it("writes a stale marker that ends the series for queries", async () => {
    const name = "stale_test_metric";
    writer.push([ts({ __name__: name, k: "v" }, [{ value: 5, timestamp: t0 }])]);
    writer.push([ts({ __name__: name, k: "v" }, [staleSample(t0 + 60_000)])]);
    await writer.flush();
    const exported = await exportSeries(vm.url, name);
    expect(exported).toHaveLength(1);
    expect(exported[0].timestamps).toEqual([t0, t0 + 60_000]);
    expect(exported[0].values[0]).toBe(5);
    // VictoriaMetrics exports the marker as a NaN-like value (null / "NaN"), not a number.
    expect(typeof exported[0].values[1] === "number" && Number.isFinite(exported[0].values[1])).toBe(false);

    const query = async (at: number) => {
      const res = await fetch(`${vm.url}/api/v1/query?query=${name}&time=${at / 1000}&step=300s`);
      const body = (await res.json()) as { data: { result: unknown[] } };
      return body.data.result.length;
    };
    // Before the marker the series is visible for the 5m look-back; right after it, it is gone.
    expect(await query(t0 + 30_000)).toBe(1);
    expect(await query(t0 + 90_000)).toBe(0);
  });
});
