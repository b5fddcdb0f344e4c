// Keeps one engine-bench workload's surroundings up (VictoriaMetrics with its series, the notifier sink,
// the rule files, W3's delaying datasource proxy) and prints tsalert's flags as the engine bench gives them, so an engine can be profiled by hand on the same workload:
//   node bench/env.mjs --workload=W2
//   node --cpu-prof bin/tsalert.js <printed flags>
// Ctrl-C stops everything and removes the temporary directory.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../scripts/lib/procs.mjs";
import { startVictoriaMetrics } from "../scripts/lib/servers.mjs";
import { importHistory, startUpdater } from "./lib/data.mjs";
import { startDelayProxy } from "./lib/delayproxy.mjs";
import { engineFlags } from "./lib/measure.mjs";
import { startSink } from "./lib/sink.mjs";
import { workloads } from "./lib/workloads.mjs";

const arg = process.argv.slice(2).find((a) => a.startsWith("--workload="));
const workload = workloads[(arg?.split("=")[1] ?? "W1").toUpperCase()];
if (!workload) throw new Error(`unknown workload (want --workload=${Object.keys(workloads).join("|")})`);

const dir = await mkdtemp(join(tmpdir(), `tsalert-benchenv-${workload.id}-`));
const files = workload.rules();
await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.text)));
const vm = await startVictoriaMetrics({ port: await freePort(), dir: join(dir, "vm") });
await importHistory(vm.url, workload);
const stopUpdater = startUpdater(vm.url, workload);
const sink = await startSink();
const proxy = workload.queryDelayMs ? await startDelayProxy(vm.url, workload.queryDelayMs) : undefined;
const flags = engineFlags({
  engine: "tsalert",
  ruleGlob: join(dir, "*.rules"),
  vmURL: vm.url,
  datasourceURL: proxy?.url ?? vm.url,
  sinkURL: sink.url,
  interval: workload.interval,
  port: await freePort(),
});
console.log(flags.join(" "));

let last = 0;
const stats = setInterval(() => {
  if (sink.stats.alerts === last) return;
  process.stderr.write(`sink: ${sink.stats.alerts - last} alerts in the last 10s\n`);
  last = sink.stats.alerts;
}, 10_000);

const stop = async () => {
  clearInterval(stats);
  await stopUpdater();
  await sink.close();
  await proxy?.close();
  await vm.child.stop();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
