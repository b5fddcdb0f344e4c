// Series data for the benchmarks: a few hours of history imported up to now, then a fresh sample
// every few seconds so instant queries keep finding the series (and the alerts stay active).

const HISTORY_MS = 3 * 3600_000;
const HISTORY_STEP_MS = 60_000;

function valueAt(workload, seriesIndex, tMs) {
  return Math.round(workload.valueAt(seriesIndex, tMs) * 100) / 100;
}

async function importLines(vmURL, lines) {
  const res = await fetch(`${vmURL}/api/v1/import`, { method: "POST", body: lines.join("\n") });
  if (!res.ok) throw new Error(`import into ${vmURL} failed: ${res.status} ${await res.text()}`);
}

/** Imports HISTORY_MS of samples for every series of the workload, ending now, and makes them searchable. */
export async function importHistory(vmURL, workload) {
  const now = Date.now();
  const timestamps = [];
  for (let t = now - HISTORY_MS; t <= now; t += HISTORY_STEP_MS) timestamps.push(t);
  const batch = [];
  for (let i = 0; i < workload.series.length; i++) {
    const values = timestamps.map((t) => valueAt(workload, i, t));
    batch.push(JSON.stringify({ metric: workload.series[i], values, timestamps }));
    if (batch.length >= 200) await importLines(vmURL, batch.splice(0));
  }
  if (batch.length) await importLines(vmURL, batch);
  await fetch(`${vmURL}/internal/force_flush`);
}

/** Writes one fresh sample per series every `everyMs`; returns a function that stops it. */
export function startUpdater(vmURL, workload, everyMs = 10_000) {
  let stopped = false;
  let inFlight = Promise.resolve();
  const tick = () => {
    const t = Date.now();
    const lines = workload.series.map((labels, i) =>
      JSON.stringify({ metric: labels, values: [valueAt(workload, i, t)], timestamps: [t] }),
    );
    inFlight = importLines(vmURL, lines).catch((err) => {
      if (!stopped) process.stderr.write(`bench: updating series failed: ${err.message}\n`);
    });
  };
  const timer = setInterval(tick, everyMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await inFlight;
  };
}
