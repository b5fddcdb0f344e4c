// One registry for tsalert's self-metrics (vmalert's names). Modules get-or-create their metrics here,
// so several engines in one process (tests) share series instead of failing on re-registration.
import { Counter, Gauge, type MetricObjectWithValues, type MetricValue, Registry, Summary } from "prom-client";

export const registry = new Registry();

function getOrCreate<T>(name: string, make: () => T): T {
  const existing = registry.getSingleMetric(name);
  return existing ? (existing as unknown as T) : make();
}

export function counter(name: string, help: string, labelNames: string[] = []): Counter<string> {
  return getOrCreate(name, () => new Counter({ name, help, labelNames, registers: [registry] }));
}

export function gauge(name: string, help: string, labelNames: string[] = []): Gauge<string> {
  return getOrCreate(name, () => new Gauge({ name, help, labelNames, registers: [registry] }));
}

export function summary(name: string, help: string, labelNames: string[] = []): Summary<string> {
  return getOrCreate(
    name,
    () =>
      new Summary({
        name,
        help,
        labelNames,
        registers: [registry],
        percentiles: [0.5, 0.9, 0.97, 0.99, 1],
        maxAgeSeconds: 300,
        ageBuckets: 5,
      }),
  );
}

/**
 * One label set of a counter, kept by its owner (a rule keeps its metric series this way). prom-client's
 * labels() child binds five methods per call, about 300 bytes per child: 6 MB for 4,000 rules of five
 * series each. This holds the metric and the labels only; each call finds the series by its labels.
 */
export class CounterChild {
  constructor(
    private readonly metric: Counter<string>,
    private readonly labels: Record<string, string>,
  ) {}

  inc(value = 1): void {
    this.metric.inc(this.labels, value);
  }
}

/** One label set of a gauge, as CounterChild. */
export class GaugeChild {
  constructor(
    private readonly metric: Gauge<string>,
    private readonly labels: Record<string, string>,
  ) {}

  set(value: number): void {
    this.metric.set(this.labels, value);
  }
}

/**
 * A histogram as vmalert's metrics library exposes it: no fixed `le` buckets, but 18 logarithmic
 * buckets per power of ten from 1e-9 to 1e18, each printed as `name_bucket{vmrange="lo...hi"}` and
 * only when non-empty, then `name_sum` and `name_count`. VictoriaMetrics' `histogram_quantile` reads
 * either form, dashboards built for vmalert expect this one.
 */
export class VmHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<
    string,
    { labels: Record<string, string>; sum: number; buckets: Map<number, number> }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  observe(value: number): void {
    this.labels().observe(value);
  }

  labels(...values: string[]): { observe(value: number): void } {
    const key = values.join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = values[i] ?? "";
      });
      s = { labels, sum: 0, buckets: new Map() };
      this.series.set(key, s);
    }
    const series = s;
    return {
      observe(v: number) {
        if (Number.isNaN(v) || v < 0) return;
        series.sum += v;
        const b = bucketOf(v);
        series.buckets.set(b, (series.buckets.get(b) ?? 0) + 1);
      },
    };
  }

  reset(): void {
    this.series.clear();
  }

  get(): MetricObjectWithValues<MetricValue<string>> {
    const values: MetricValue<string>[] = [];
    for (const s of this.series.values()) {
      let count = 0;
      for (const b of [...s.buckets.keys()].sort((x, y) => x - y)) {
        const n = s.buckets.get(b) as number;
        count += n;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...s.labels, vmrange: vmrange(b) },
          value: n,
        } as MetricValue<string>);
      }
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum } as MetricValue<string>);
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: count } as MetricValue<string>);
    }
    return {
      name: this.name,
      help: this.help,
      type: "histogram" as never,
      aggregator: "sum",
      collect: () => {},
      values,
    };
  }
}

const E10_MIN = -9;
const E10_MAX = 18;
const PER_DECADE = 18;
const BUCKETS = (E10_MAX - E10_MIN) * PER_DECADE;
const LOWER = -1;
const UPPER = BUCKETS;

function bucketOf(v: number): number {
  const idx = (Math.log10(v) - E10_MIN) * PER_DECADE;
  if (!(idx >= 0)) return LOWER;
  if (idx >= BUCKETS) return UPPER;
  const i = Math.floor(idx);
  // A power of ten belongs to the bucket below it, as with Prometheus' `le`.
  return idx === i && i > 0 ? i - 1 : i;
}

/** Go's %.3e: at least two exponent digits. */
function goExp(v: number): string {
  return v.toExponential(3).replace(/e([+-])(\d)$/, "e$10$2");
}

const ranges: string[] = [];
function vmrange(b: number): string {
  if (b === LOWER) return `0...${goExp(10 ** E10_MIN)}`;
  if (b === UPPER) return `${goExp(10 ** E10_MAX)}...+Inf`;
  if (ranges.length === 0) {
    const mult = 10 ** (1 / PER_DECADE);
    let v = 10 ** E10_MIN;
    let start = goExp(v);
    for (let i = 0; i < BUCKETS; i++) {
      v *= mult;
      const end = goExp(v);
      ranges.push(`${start}...${end}`);
      start = end;
    }
  }
  return ranges[b] as string;
}

export function histogram(name: string, help: string, labelNames: string[] = []): VmHistogram {
  return getOrCreate(name, () => {
    const h = new VmHistogram(name, help, labelNames);
    registry.registerMetric(h as never);
    return h;
  });
}

/**
 * The /metrics text as vmalert serves it: without `# HELP` and `# TYPE` lines unless
 * -metrics.exposeMetadata is set.
 */
export async function metricsText(reg: Registry, exposeMetadata: boolean): Promise<string> {
  const text = await reg.metrics();
  return exposeMetadata ? text : text.replace(/^# (HELP|TYPE) .*\n/gm, "");
}
