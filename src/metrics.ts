// One registry for tsalert's self-metrics (vmalert's names). Modules get-or-create their metrics here,
// so several engines in one process (tests) share series instead of failing on re-registration.
import { Counter, Gauge, Histogram, Registry, Summary } from "prom-client";

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

export function histogram(name: string, help: string, labelNames: string[] = []): Histogram<string> {
  return getOrCreate(name, () => new Histogram({ name, help, labelNames, registers: [registry] }));
}
