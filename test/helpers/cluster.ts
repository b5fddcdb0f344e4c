// Pieces of the cluster tests: member ports a -cluster.memberURLTemplate can name (`http://127.0.0.1:4321%d`
// is member 0 on 43210, member 1 on 43211, ...), and rule files of many small groups.
import { createServer } from "node:net";

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export interface PortBlock {
  /** Port of member `n`. */
  port(n: number): number;
  /** `http://127.0.0.1:<prefix>%d`: the URL template of the block. */
  template: string;
}

/**
 * `count` (at most 10) consecutive free loopback ports starting at a multiple of 10, so that member n's port
 * is the template's prefix followed by n. Ports are free when checked; a test binds them right away.
 */
export async function freePortBlock(count: number): Promise<PortBlock> {
  if (count > 10) throw new Error("at most 10 members per port block");
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10 * (2000 + Math.floor(Math.random() * 4000)); // 20000..59990
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return { port: (n) => base + n, template: `http://127.0.0.1:${base / 10}%d` };
  }
  throw new Error("no block of free ports found");
}

/** A rule file with `count` groups of one alerting rule each, named `<prefix>-<i>`, reading `metric`. */
export function manyGroups(
  count: number,
  opts: { prefix?: string; metric?: string; interval?: string; for?: string } = {},
): string {
  const prefix = opts.prefix ?? "g";
  const metric = opts.metric ?? "cluster_test_value";
  const lines = ["groups:"];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - name: ${prefix}-${i}`,
      `    interval: ${opts.interval ?? "1s"}`,
      "    rules:",
      `      - alert: Alert${i}`,
      `        expr: ${metric}{group="${i}"} > 0`,
      ...(opts.for ? [`        for: ${opts.for}`] : []),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** One webhook notification of Alertmanager, as its webhook receiver posts it. */
export interface AmNotification {
  at: number;
  status: "firing" | "resolved";
  alerts: { status: string; labels: Record<string, string>; startsAt: string }[];
}

export interface WebhookSink {
  url: string;
  notifications: AmNotification[];
  /** Notifications of `alertname` with the given status. */
  count(alertname: string, status: "firing" | "resolved"): number;
  stop(): Promise<void>;
}

/** An HTTP server that records Alertmanager webhook notifications (what a pager would receive). */
export async function startWebhookSink(): Promise<WebhookSink> {
  const { createServer: createHttp } = await import("node:http");
  const notifications: AmNotification[] = [];
  const server = createHttp((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as Omit<AmNotification, "at">;
        notifications.push({ at: Date.now(), status: body.status, alerts: body.alerts });
      } catch {
        // not a notification
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    notifications,
    count: (alertname, status) =>
      notifications.filter((n) => n.status === status && n.alerts.some((a) => a.labels.alertname === alertname)).length,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Alertmanager configuration: one notification group per alert name, sent to `webhook`, never repeated. */
export function webhookConfig(webhook: string): string {
  return `route:
  receiver: sink
  group_by: [alertname]
  group_wait: 0s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sink
    webhook_configs:
      - url: ${webhook}
        send_resolved: true
`;
}
