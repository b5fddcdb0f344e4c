// Runs one engine on one prepared workload and measures CPU per full iteration and peak RSS.

import { exitDescription, freePort, sleep, startChild, waitReady } from "../../scripts/lib/procs.mjs";
import { engineCommand } from "../../scripts/lib/servers.mjs";
import { cpuSeconds, peakRssBytes } from "./procstat.mjs";
import { fetchSelfMetrics } from "./selfmetrics.mjs";

/**
 * The flags both engines get, plus what makes them query the same instants: vmalert 1.79.5 has no
 * -rule.evalDelay (it refuses the flag) and queries at the aligned evaluation time, so tsalert, whose
 * -rule.evalDelay defaults to 30s as in newer vmalert, is given -rule.evalDelay=0s.
 */
export function engineFlags({ engine, ruleGlob, vmURL, datasourceURL = vmURL, sinkURL, interval, port, extra = [] }) {
  return [
    `-rule=${ruleGlob}`,
    `-datasource.url=${datasourceURL}`,
    `-remoteWrite.url=${vmURL}`,
    `-notifier.url=${sinkURL}`,
    `-evaluationInterval=${interval}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    ...(engine === "tsalert" ? ["-rule.evalDelay=0s"] : []),
    ...extra,
  ];
}

/** The command line as a shell would take it, for the log: what exactly ran. */
export function commandLine(cmd, args) {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ");
}

/**
 * Starts `engine`, waits for `warmup` iterations of every group, then measures over `iterations` more.
 * Returns {cpuPerIteration (s), peakRss (bytes), alertsPerIteration, rowsPerIteration, errors, missed, dropped,
 * iterations}.
 */
export async function measureEngine({
  engine,
  workload,
  ruleGlob,
  vmURL,
  datasourceURL,
  sink,
  warmup,
  iterations,
  extraFlags = [],
  log,
}) {
  const port = await freePort();
  const { cmd, args } = engineCommand(engine);
  const flags = engineFlags({
    engine,
    ruleGlob,
    vmURL,
    datasourceURL,
    sinkURL: sink.url,
    interval: workload.interval,
    port,
    extra: extraFlags,
  });
  log(`${workload.id} ${engine}: ${commandLine(cmd, [...args, ...flags])}`);
  const child = startChild(engine, cmd, [...args, ...flags]);
  const url = `http://127.0.0.1:${port}`;
  // How often /metrics is read to follow the iterations: a tenth of the interval, so the probe costs
  // the engine what a scraper does and not more (tsalert's /metrics for W3's 4,000 rules is 3 MB, ~90 ms
  // of CPU to render; read twice a second it doubled W3's CPU per iteration).
  const pollMs = Math.max(500, workload.intervalMs / 10);
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
        await sleep(pollMs);
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
          iterationSeconds: iterationSeconds(start.durations, end.durations),
          firing: await firingAlerts(url),
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
      await sleep(pollMs);
    }
  } finally {
    await child.stop();
  }
}

function snapshot(pid, m, counts, sink) {
  return {
    durations: m.durations,
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

/** Mean iteration wall time of each group over the measured span (vmalert_iteration_duration_seconds). */
function iterationSeconds(before, after) {
  const out = [];
  for (const [group, a] of after) {
    const b = before.get(group) ?? { sum: 0, count: 0 };
    if (a.count > b.count) out.push((a.sum - b.sum) / (a.count - b.count));
  }
  return out.sort((x, y) => x - y);
}

/** The firing alerts an engine holds, as sorted `alertname{labels}` keys: the same set means the same result. */
async function firingAlerts(url) {
  const res = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = await res.json();
  const keys = [];
  for (const a of body?.data?.alerts ?? []) {
    if (a.state !== "firing") continue;
    const labels = Object.entries(a.labels ?? {})
      .filter(([k]) => k !== "alertgroup")
      .sort(([x], [y]) => (x < y ? -1 : 1));
    keys.push(labels.map(([k, v]) => `${k}=${v}`).join(","));
  }
  return keys.sort();
}
