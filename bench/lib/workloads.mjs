// The two benchmark workloads: which series exist, how they move, and which rules run over them.
// Each workload's firing set is stable, so after warm-up every iteration does the same work.

/** Values of W1's series: a slow wave inside [50, 150], above every W1 threshold (all its alerts fire). */
function valueW1(i, tMs) {
  return 100 + 45 * Math.sin(tMs / 600_000 + i);
}

/**
 * Values of W2's series: series i sits at level 100 + i % 100 with a wiggle of +-0.4, so a threshold
 * at x.5 splits the series into a fixed firing set (no flapping) of about a fifth of them.
 */
function valueW2(i, tMs) {
  return 100 + (i % 100) + 0.4 * Math.sin(tMs / 600_000 + i);
}

/**
 * W1: many small rules. 10 groups x 100 rules (half alerting, half recording) over 100 series;
 * each rule selects one job, i.e. 2 series. 5 s interval.
 */
export const W1 = {
  id: "W1",
  title: "W1: 1,000 rules (500 alerting, 500 recording) over 100 series, 5s",
  interval: "5s",
  intervalMs: 5000,
  groups: 10,
  warmup: 3,
  iterations: 6,
  series: seriesW1(),
  valueAt: valueW1,
  rules: rulesW1,
};

/**
 * W2: few rules, many alerts. 10 groups x 10 alerting rules, each selecting all 1,000 series of which
 * 260-300 pass its threshold: 28,000 alerts are active and re-sent every 10 s iteration. (All 100,000
 * firing is more than the real vmalert 1.79.5 can evaluate in 10 s on two cores.)
 */
export const W2 = {
  id: "W2",
  title: "W2: 100 alerting rules x 1,000 series (28,000 active alerts), 10s",
  interval: "10s",
  intervalMs: 10_000,
  groups: 10,
  warmup: 2,
  iterations: 4,
  series: seriesW2(),
  valueAt: valueW2,
  rules: rulesW2,
};

/**
 * Values of W3's series: a fixed level in [20, 80) per series. The two engines run minutes apart, and
 * their firing alerts are compared at the end: data that moved between them would differ for that reason.
 */
function valueW3(i) {
  return 20 + ((i * 37) % 60);
}

/**
 * W3: many rules behind a slow datasource. 20 groups x 200 rules, 30 s interval; in each group 20
 * recording rules (10%), 90 alerting rules over raw series and 90 over the group's own recording
 * rules (the only chains). The datasource answers through a proxy that adds 20 ms to every query, so a
 * group evaluated one rule at a time takes about 200 x 20 ms = 4 s.
 */
export const W3 = {
  id: "W3",
  title: "W3: 20 groups x 200 rules (10% recording, read in their group), datasource +20 ms per query, 30s",
  interval: "30s",
  intervalMs: 30_000,
  groups: 20,
  warmup: 2,
  iterations: 2,
  queryDelayMs: 20,
  series: seriesW3(),
  valueAt: valueW3,
  rules: rulesW3,
};

export const workloads = { W1, W2, W3 };

function seriesW3() {
  const out = [];
  for (let j = 0; j < 40; j++) {
    for (let i = 0; i < 5; i++)
      out.push({ __name__: "bench_w3_value", job: `j-${pad(j, 2)}`, instance: `host-${i}:9100` });
  }
  return out;
}

function rulesW3() {
  const files = [];
  for (let g = 0; g < 20; g++) {
    const lines = ["groups:", `  - name: w3-group-${pad(g, 2)}`, "    rules:"];
    for (let r = 0; r < 200; r++) {
      const base = r - (r % 10);
      const job = (k) => `j-${pad(k % 40, 2)}`;
      if (r % 10 === 0) {
        lines.push(
          `      - record: w3:job_sum:${pad(g, 2)}_${pad(r, 3)}`,
          `        expr: sum(bench_w3_value{job="${job(g * 20 + r / 10)}"}) by (job)`,
        );
      } else if (r % 10 < 5) {
        lines.push(
          `      - alert: W3Raw_${pad(g, 2)}_${pad(r, 3)}`,
          `        expr: bench_w3_value{job="${job(g * 200 + r)}"} > 50`,
          "        for: 30s",
          "        annotations:",
          '          summary: "{{ $labels.instance }} at {{ $value }}"',
        );
      } else {
        lines.push(
          `      - alert: W3Sum_${pad(g, 2)}_${pad(r, 3)}`,
          `        expr: w3:job_sum:${pad(g, 2)}_${pad(base, 3)} > ${200 + (r % 10) * 10}`,
          "        for: 30s",
          "        annotations:",
          '          summary: "{{ $labels.job }} sums to {{ $value }}"',
        );
      }
    }
    files.push({ name: `w3-group-${pad(g, 2)}.rules`, text: `${lines.join("\n")}\n` });
  }
  return files;
}

/**
 * W2 with `factor` times its series (and so about `factor` times its alerts), for the memory slope: the
 * interval grows with the factor so that both engines finish every iteration in time (vmalert 1.79.5
 * needs 6-13 CPU seconds per W2 iteration, so 10 s per factor was too little for it at 2x and 4x).
 */
export function w2Scaled(factor) {
  return {
    ...W2,
    id: `W2x${factor}`,
    title: `W2 with ${factor * 1000} series per rule (about ${factor * 28},000 active alerts), ${30 * factor}s`,
    interval: `${30 * factor}s`,
    intervalMs: 30_000 * factor,
    warmup: 2,
    iterations: 3,
    series: seriesW2(1000 * factor),
  };
}

function seriesW1() {
  const out = [];
  for (let j = 0; j < 50; j++) {
    for (let i = 0; i < 2; i++) {
      out.push({ __name__: "bench_w1_value", job: `job-${pad(j, 2)}`, instance: `host-${i}:9100` });
    }
  }
  return out;
}

function seriesW2(n = 1000) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ __name__: "bench_w2_value", job: "w2", instance: `host-${pad(i, 4)}:9100`, zone: `zone-${i % 3}` });
  }
  return out;
}

/** One YAML file per group: [{name, text}]. */
function rulesW1() {
  const files = [];
  for (let g = 0; g < 10; g++) {
    const lines = ["groups:", `  - name: w1-group-${pad(g, 2)}`, "    rules:"];
    for (let r = 0; r < 100; r++) {
      const k = g * 100 + r;
      const job = `job-${pad(k % 50, 2)}`;
      if (r % 2 === 0) {
        lines.push(
          `      - alert: W1ValueHigh_${pad(g, 2)}_${pad(r, 3)}`,
          `        expr: bench_w1_value{job="${job}"} > ${k % 40}`,
          "        for: 10s",
          "        labels:",
          "          severity: warning",
          `          team: team-${g}`,
          "        annotations:",
          '          summary: "{{ $labels.instance }} of {{ $labels.job }} is at {{ $value | humanize }}"',
          `          description: "Value above ${k % 40} for 10s on {{ $labels.instance }}."`,
        );
      } else {
        lines.push(
          `      - record: job_instance:bench_w1_value:avg5m_${pad(g, 2)}_${pad(r, 3)}`,
          `        expr: avg_over_time(bench_w1_value{job="${job}"}[5m])`,
          "        labels:",
          `          source: group-${g}`,
        );
      }
    }
    files.push({ name: `w1-group-${pad(g, 2)}.rules`, text: `${lines.join("\n")}\n` });
  }
  return files;
}

function rulesW2() {
  const files = [];
  for (let g = 0; g < 10; g++) {
    const lines = ["groups:", `  - name: w2-group-${pad(g, 2)}`, "    rules:"];
    for (let r = 0; r < 10; r++) {
      const k = g * 10 + r;
      lines.push(
        `      - alert: W2LoadHigh_${pad(k, 3)}`,
        `        expr: bench_w2_value{job="w2"} > ${169.5 + (k % 5)}`,
        "        for: 10s",
        "        labels:",
        "          severity: critical",
        "        annotations:",
        '          summary: "Load on {{ $labels.instance }} ({{ $labels.zone }}) is {{ $value | humanize }}"',
      );
    }
    files.push({ name: `w2-group-${pad(g, 2)}.rules`, text: `${lines.join("\n")}\n` });
  }
  return files;
}

function pad(n, width) {
  return String(n).padStart(width, "0");
}
