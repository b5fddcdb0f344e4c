// `tsalert unittest` against real VictoriaMetrics: its own temporary instance, an existing one
// (-datasource.url), a bad -vm.binary, and the CLI's exit codes.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { type RunningServer, startVictoriaMetrics } from "../helpers/servers.js";

const dir = join(import.meta.dirname, "../fixtures/unittest");

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const add = (t: string) => {
    out += t;
  };
  const io = { out: add, err: add };
  const code = await main(["unittest", "-loggerLevel=FATAL", ...args], io);
  return { code, out };
}

describe("tsalert unittest on real VictoriaMetrics", () => {
  let vm: RunningServer;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it("passes files with recording output, ALERTS, gaps, staleness and test isolation (temporary VM)", async () => {
    const { code, out } = await cli([join(dir, "vm-pass.yml"), join(dir, "vm-isolation.yml")]);
    expect(out.match(/SUCCESS/g)?.length).toBe(3);
    expect(code).toBe(0);
  });

  it("runs on an existing VictoriaMetrics given by -datasource.url, and isolates tests", async () => {
    const { code, out } = await cli([
      `-datasource.url=${vm.url}`,
      join(dir, "vm-isolation.yml"),
      join(dir, "vm-pass.yml"),
    ]);
    expect(out.match(/SUCCESS/g)?.length).toBe(3);
    expect(code).toBe(0);
    // Tests live in storage from 1970-01-03 (VictoriaMetrics cannot query its first day).
    const res = await fetch(`${vm.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~".+"}')}&start=172000`);
    const body = (await res.json()) as { data: Record<string, string>[] };
    // Rule results went into that database (through remote write).
    expect(body.data.some((m) => m.__name__ === "job:errors:ratio")).toBe(true);
  });

  it("vmalert-tool dialect: external labels attached, templated from -external.label only, the clock at the epoch", async () => {
    const { code, out } = await cli(["-external.label=cluster=prod", join(dir, "vm-dialect.yml")]);
    expect(out, out).toMatch(/vm-dialect\.yml \(vmalert-tool dialect: MetricsQL on VictoriaMetrics\)\n {2}SUCCESS/);
    expect(code).toBe(0);
  });

  it("exits 1 with a diff when an expectation fails, naming file:line", async () => {
    const { code, out } = await cli([join(dir, "fixture-fail.yml"), join(dir, "vm-pass.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(/fixture-fail\.yml:12/);
    expect(out).toMatch(/vm-pass\.yml \(vmalert-tool dialect[^\n]*\)\n {2}SUCCESS/);
    expect(out).toContain("======== FAILED ========");
  });

  it("reports bad input notation as file:line", async () => {
    const { code, out } = await cli([join(dir, "bad-values.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(/bad-values\.yml:7: values: bad value "4y2"/);
  });

  it("reports a -vm.binary that cannot start", async () => {
    const { code, out } = await cli(["-vm.binary=/nonexistent/victoria-metrics", join(dir, "vm-pass.yml")]);
    expect(code).toBe(1);
    expect(out).toMatch(/cannot start \/nonexistent\/victoria-metrics/);
  });

  it("rejects unknown flags and a missing file list with exit code 2", async () => {
    expect((await cli(["-bogus=1", "x.yml"])).code).toBe(2);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.out).toContain("no test files given");
  });

  it("reports a --files glob that matches nothing", async () => {
    const { code, out } = await cli([`--files=${join(dir, "nothing-*.yml")}`]);
    expect(code).toBe(1);
    expect(out).toContain("matches no files");
  });

  it("reads a test file and its rule files from an http URL", async () => {
    const { createServer } = await import("node:http");
    const { readFile } = await import("node:fs/promises");
    const srv = createServer((req, res) => {
      readFile(join(dir, (req.url ?? "/").slice(1))).then(
        (b) => res.end(b),
        () => {
          res.writeHead(404);
          res.end();
        },
      );
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const addr = srv.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    try {
      const { code, out } = await cli(["-httpListenPort=8880", `--files=http://127.0.0.1:${port}/fixture-pass.yml`]);
      expect(out).toContain("SUCCESS");
      expect(code).toBe(0);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
