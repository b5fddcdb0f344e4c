// The import directions docs/architecture.md promises: a module reaches only downward, so replay does
// not depend on the command line, and the notifier not on the rule engine that uses it; and what the
// package installs for running is what src/ uses.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(__dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** `file imports target` for every import or re-export of `folder` that lands in `forbidden`. */
function importsInto(folder: string, forbidden: string): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(join(SRC, folder))) {
    for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)) {
      const target = relative(SRC, resolve(join(file, ".."), m[1]));
      if (target.startsWith(`${forbidden}/`)) out.push(`${relative(SRC, file)} imports ${target}`);
    }
  }
  return out;
}

describe("module boundaries", () => {
  it("src/replay does not import src/cli (the command line builds replay, not the other way)", () => {
    expect(importsInto("replay", "cli")).toEqual([]);
  });

  it("src/notifier does not import src/rule (the rule engine uses the notifier seam)", () => {
    expect(importsInto("notifier", "rule")).toEqual([]);
  });

  it("every runtime dependency is imported by src/ (test and bench tools are devDependencies)", () => {
    const pkg = JSON.parse(readFileSync(resolve(SRC, "../package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      for (const m of readFileSync(file, "utf8").matchAll(/from\s+"([^".][^"]*)"/g)) {
        const name = m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0];
        imported.add(name);
      }
    }
    expect(Object.keys(pkg.dependencies).filter((d) => !imported.has(d))).toEqual([]);
  });
});
