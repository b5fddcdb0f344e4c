// Runs one engine on one prepared workload and measures CPU per full iteration and peak RSS.

import { exitDescription, freePort, sleep, startChild, waitReady } from "../../scripts/lib/procs.mjs";
import { engineCommand } from "../../scripts/lib/servers.mjs";
import { cpuSeconds, peakRssBytes } from "./procstat.mjs";
import { fetchSelfMetrics } from "./selfmetrics.mjs";

/** The vmalert flags both engines get, and nothing else. */
export function engineFlags({ ruleGlob, vmURL, sinkURL, interval, port }) {
  return [
    `-rule=${ruleGlob}`,
    `-datasource.url=${vmURL}`,
    `-remoteWrite.url=${vmURL}`,
    `-notifier.url=${sinkURL}`,
    `-evaluationInterval=${interval}`,
    `-httpListenAddr=127.0.0.1:${port}`,
  ];
}

/**
 * Starts `engine`, waits for `warmup` iterations of every group, then measures over `iterations` more.
 * Returns {cpuPerIteration (s), peakRss (bytes), alertsPerIteration, rowsPerIteration, errors, missed, dropped,
 * iterations}.
 */
export async function measureEngine({ engine, workload, ruleGlob, vmURL, sink, warmup, iterations, log }) {
  const port = await freePort();
  const { cmd, args } = engineCommand(engine);
  const flags = engineFlags({ ruleGlob, vmURL, sinkURL: sink.url, interval: workload.interval, port });
  const child = startChild(engine, cmd, [...args, ...flags]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(child, `${url}/metrics`, 60_000);
    const deadline = Date.now() + (warmup + iterations + 4) * workload.intervalMs + 60_000;
    let start;
    for (;;) {
      if (child.exited) throw new Error(`${engine} ${exitDescription(child)}:\n${child.tail(20).join("\n")}`);
      if (Date.now() > deadline) {
        throw new Error(`${engine} did not complete ${warmup + iterations} iterations in time (${progress(start)})`);
      }
      // A saturated engine may answer /metrics late; that is no reason to give up before the deadline.
      const m = await fetchSelfMetrics(url).catch(() => undefined);
      if (!m) {
        await sleep(500);
        continue;
      }
      const counts = [...m.iterations.values()];
      const done = counts.length >= workload.groups ? Math.min(...counts) : 0;
      if (!start && done >= warmup) {
        start = snapshot(child.pid, m, counts, sink);
        log(`${workload.id} ${engine}: warmed up after ${done} iterations, measuring ${iterations} more`);
      } else if (start && done >= warmup + iterations) {
        const end = snapshot(child.pid, m, counts, sink);
        const fullIterations = (end.iterSum - start.iterSum) / workload.groups;
        return {
          iterations: fullIterations,
          cpuPerIteration: (end.cpu - start.cpu) / fullIterations,
          peakRss: peakRssBytes(child.pid),
          alertsPerIteration: (end.alerts - start.alerts) / fullIterations,
          rowsPerIteration: (end.rows - start.rows) / fullIterations,
          errors: end.errors - start.errors,
          missed: end.missed - start.missed,
          dropped: end.dropped - start.dropped,
        };
      }
      await sleep(500);
    }
  } finally {
    await child.stop();
  }
}

function snapshot(pid, m, counts, sink) {
  return {
    cpu: cpuSeconds(pid),
    iterSum: counts.reduce((a, b) => a + b, 0),
    alerts: sink.stats.alerts,
    errors: m.sum("vmalert_execution_errors_total"),
    missed: m.sum("vmalert_iteration_missed_total"),
    dropped: m.sum("vmalert_remotewrite_dropped_rows_total"),
    rows: m.sum("vmalert_remotewrite_sent_rows_total"),
  };
}

function progress(start) {
  return start ? "warm-up done" : "still warming up";
}
