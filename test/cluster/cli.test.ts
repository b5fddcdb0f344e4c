// The assignment on the command line: -dryRun with -cluster.membersCount and `tsalert lint --shards N`;
// bad -cluster.* values stop with the flag named (exit 2).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { manyGroups } from "../helpers/cluster.js";

const tmp = mkdtempSync(join(tmpdir(), "tsalert-cluster-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const rules = join(tmp, "app.rules");
writeFileSync(
  rules,
  `${manyGroups(9)}  - name: recorder
    rules:
      - record: job:v:sum
        expr: sum(cluster_test_value)
  - name: reader
    rules:
      - alert: Low
        expr: job:v:sum < 1
`,
);

async function runMain(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await main(argv, io);
  return { code, out, err };
}

describe("the assignment on the command line", () => {
  it("-dryRun with -cluster.membersCount prints each member's load and each group's members", async () => {
    const r = await runMain(["-dryRun", `-rule=${rules}`, "-cluster.membersCount=3", "-cluster.replicationFactor=2"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("11 groups, 11 rules in 1 file");
    expect(lines[1]).toBe("placement on 3 members, replication factor 2: 11 groups in 10 placement units");
    const loads = lines.slice(2, 5).map((l) => /^ {2}member (\d): (\d+) groups?, (\d+) rules?$/.exec(l));
    expect(loads.map((m) => m?.[1])).toEqual(["0", "1", "2"]);
    expect(loads.reduce((n, m) => n + Number(m?.[2]), 0)).toBe(22);
    expect(lines.slice(5)).toHaveLength(11);
    expect(lines[5]).toMatch(new RegExp(`^ {2}${rules}: group "g-0": members [0-2], [0-2]$`));
    const reader = lines.find((l) => l.includes('group "reader"'));
    const recorder = lines.find((l) => l.includes('group "recorder"'));
    expect(reader).toMatch(/\(placed with 1 other group it shares rules with\)$/);
    expect(reader?.replace("reader", "x")).toBe(recorder?.replace("recorder", "x"));
  });

  it("-dryRun of one member prints no assignment", async () => {
    const r = await runMain(["-dryRun", `-rule=${rules}`]);
    expect(r.out).toBe("11 groups, 11 rules in 1 file\n");
  });

  it("tsalert lint --shards N prints the assignment as text and as JSON", async () => {
    const text = await runMain(["lint", "--shards=4", rules]);
    expect(text.code).toBe(0);
    expect(text.out).toContain("placement on 4 members, replication factor 1: 11 groups in 10 placement units\n");
    const json = await runMain(["lint", "--format=json", "--shards", "2", rules]);
    const body = JSON.parse(json.out) as {
      placement: { members: number; loads: { groups: number }[]; groups: { name: string; members: number[] }[] };
    };
    expect(body.placement.members).toBe(2);
    expect(body.placement.loads.reduce((n, l) => n + l.groups, 0)).toBe(11);
    expect(body.placement.groups.map((g) => g.members.length)).toEqual(new Array(11).fill(1));
  });

  it("bad values stop with the flag named", async () => {
    for (const [argv, msg] of [
      [["lint", "--shards=x", rules], 'invalid value "x" for flag --shards'],
      [["lint", "--shards=2", "-cluster.replicationFactor=3", rules], "-cluster.replicationFactor: want 1..2"],
      [
        ["-dryRun", `-rule=${rules}`, "-cluster.membersCount=3", "-cluster.memberNum=tsalert-3"],
        "member 3 is outside 0..2",
      ],
      [["-rule=x", "-cluster.membersCount=0"], "-cluster.membersCount: want 1..1000"],
      [["-rule=x", "-cluster.peerTimeout=0s"], "-cluster.peerTimeout must be positive"],
    ] as const) {
      const r = await runMain([...argv]);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toContain(msg);
    }
  });
});
