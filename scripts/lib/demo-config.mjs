// Settings of the live demo (from the environment) and the config files it generates.

function port(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${raw}: want a port number 1-65535`);
  return n;
}

/** Everything the demo can be told through the environment, with the defaults of README. */
export function demoSettings(env = process.env) {
  const engine = env.DEMO_ENGINE || "tsalert";
  if (engine !== "tsalert" && engine !== "vmalert") {
    throw new Error(`DEMO_ENGINE=${engine}: want tsalert or vmalert`);
  }
  const host = env.DEMO_HOST || "127.0.0.1";
  const settings = {
    engine,
    host,
    // Where the servers reach each other and where the URLs we print point.
    reachHost: host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host,
    vmPort: port(env, "DEMO_VM_PORT", 8428),
    am1Port: port(env, "DEMO_AM1_PORT", 9093),
    am2Port: port(env, "DEMO_AM2_PORT", 9094),
    enginePort: port(env, "DEMO_PORT", 8880),
    evalInterval: env.DEMO_EVAL_INTERVAL || "10s",
    scrapeInterval: env.DEMO_SCRAPE_INTERVAL || "10s",
    rules: env.DEMO_RULES || "rules/*.rules",
    dataDir: env.DEMO_DATA_DIR || "",
  };
  const ports = [settings.vmPort, settings.am1Port, settings.am2Port, settings.enginePort];
  if (new Set(ports).size !== ports.length) throw new Error(`the demo's ports must differ, got ${ports.join(", ")}`);
  return settings;
}

export const portEnvNames = {
  vmPort: "DEMO_VM_PORT",
  am1Port: "DEMO_AM1_PORT",
  am2Port: "DEMO_AM2_PORT",
  enginePort: "DEMO_PORT",
};

/** -promscrape.config for VictoriaMetrics: itself, the rule engine, both Alertmanagers. */
export function scrapeConfig(s) {
  const t = (p) => `"${s.reachHost}:${p}"`;
  return `global:
  scrape_interval: ${s.scrapeInterval}
scrape_configs:
  - job_name: victoria-metrics
    static_configs:
      - targets: [${t(s.vmPort)}]
  - job_name: ${s.engine}
    static_configs:
      - targets: [${t(s.enginePort)}]
  - job_name: alertmanager
    static_configs:
      - targets: [${t(s.am1Port)}, ${t(s.am2Port)}]
`;
}

/** Alertmanager config: alerts are grouped and shown, not delivered anywhere. */
export function alertmanagerConfig() {
  return `route:
  receiver: demo
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: demo
`;
}

/** vmalert flags of the rule engine (tsalert takes the same). */
export function engineFlags(s) {
  const vm = `http://${s.reachHost}:${s.vmPort}`;
  return [
    `-rule=${s.rules}`,
    `-datasource.url=${vm}`,
    `-remoteWrite.url=${vm}`,
    `-remoteRead.url=${vm}`,
    `-notifier.url=http://${s.reachHost}:${s.am1Port}`,
    `-notifier.url=http://${s.reachHost}:${s.am2Port}`,
    `-external.url=http://localhost:${s.enginePort}`,
    `-httpListenAddr=${s.host}:${s.enginePort}`,
    `-evaluationInterval=${s.evalInterval}`,
  ];
}
