// printf's widths, precisions and argument indexes against Go's fmt (src/fmt/print.go: parsenum, tooLarge,
// intFromArg, argNumber, doPrintf). The expected outputs follow that code; the differential test
// (b_printf_limits, b_printf_star, b_printf_index in diff-cases.ts) checks the same cases against the real
// vmalert. What Go would print but a rendering may not (more than 1 MB) fails with the output limit.
import { describe, expect, it } from "vitest";
import { sprintf } from "../../src/template/goformat.js";
import { compileTemplate, type RenderContext } from "../../src/template/index.js";
import { MAX_OUTPUT, OUTPUT_LIMIT_MESSAGE } from "../../src/template/limits.js";

const CTX: RenderContext = { externalURL: "" };
const render = (text: string) =>
  compileTemplate(text).render({ labels: {}, value: 1.5, expr: "x", externalLabels: {}, externalURL: "" }, CTX);

describe("printf width and precision follow Go's limits", () => {
  it.each([
    // `*` takes an int of at most 1e6 in magnitude (intFromArg + tooLarge); otherwise BADWIDTH/BADPREC
    // and the verb goes on without it.
    ["%.*f", [30_000_000n, 1.5], "%!(BADPREC)1.500000"],
    ["%.*f", [1_000_001n, 1.5], "%!(BADPREC)1.500000"],
    ["%*d", [30_000_000n, 5n], "%!(BADWIDTH)5"],
    ["%*d", [1.5, 5n], "%!(BADWIDTH)5"],
    ["%*d", ["4", 5n], "%!(BADWIDTH)5"],
    ["%.*d", [-1n, 5n], "%!(BADPREC)5"],
    ["%*d|", [-5n, 5n], "5    |"],
    ["%-*s|", [4n, "ab"], "ab  |"],
    ["%0*x", [6n, 255n], "0000ff"],
    ["%.*e", [3n, 1234.5], "1.234e+03"],
    ["%.*g", [3n, 1234.5], "1.23e+03"],
    ["%*.*f", [8n, 2n, 7.125], "    7.12"],
    ["%-0*d|", [5n, 1n], "1    |"],
    // A written number that passes 1e6 before its last digit swallows the rest of the format (parsenum).
    ["%.30000000f", [1.5], "%!(NOVERB)%!(EXTRA float64=1.5)"],
    ["%30000000d", [5n], "%!(NOVERB)%!(EXTRA int=5)"],
    ["%30000000d tail %d", [5n, 6n], "%!(NOVERB)%!(EXTRA int=5, int=6)"],
    // A '.' as the last byte is not a precision: it is the verb.
    ["%5.", [1n], "%!.(int=    1)"],
    ["%", [1n], "%!(NOVERB)%!(EXTRA int=1)"],
  ])("%s", (format, args, want) => {
    expect(sprintf(format, args as never)).toBe(want);
  });

  it("pads and fills up to a million as Go does", () => {
    expect(sprintf("%1000000d", [7n])).toBe(`${" ".repeat(999_999)}7`);
    expect(sprintf("%.*f", [1_000_000n, 1.5])).toBe(`1.5${"0".repeat(999_999)}`);
    expect(sprintf("%.1000000e", [1.5])).toBe(`1.5${"0".repeat(999_999)}e+00`);
    expect(sprintf("%.1000000d", [42n])).toBe(`${"0".repeat(999_998)}42`);
  });
});

describe("printf argument indexes (%[n]) follow Go", () => {
  it.each([
    ["%[2]d %[1]d", [1n, 2n], "2 1"],
    ["%[2]*[1]d|", [12n, 5n], "   12|"],
    ["%.[2]*[1]f", [12n, 5n], "%!f(int=00012)"],
    ["%[3]d", [1n, 2n], "%!d(BADINDEX)"],
    ["%[0]d", [1n], "%!d(BADINDEX)"],
    ["%[x]d", [1n], "%!d(BADINDEX)"],
    ["%[1]2d", [1n], "%!d(BADINDEX)"],
    ["%[1].2f", [1.5], "%!f(BADINDEX)"],
    ["%[2]v %v", [1n, 2n], "2 %!v(MISSING)"],
    // Reordered formats skip the check for unused arguments.
    ["%[1]d %d", [1n, 2n, 3n], "1 2"],
    ["%d %[5]d %d", [1n, 2n], "1 %!d(BADINDEX) 2"],
    ["%d %d", [1n], "1 %!d(MISSING)"],
  ])("%s", (format, args, want) => {
    expect(sprintf(format, args as never)).toBe(want);
  });
});

describe("printf never makes more than a rendering may print", () => {
  it.each([
    ["a width Go allows (up to about 1e7 when written)", '{{ printf "%10000009d" 1 }}'],
    ["a precision", '{{ printf "%.2000000f" 1.5 }}'],
    ["an int precision", '{{ printf "%.2000000d" 1 }}'],
    ["padding of every key and value of a map", '{{ printf "%600000d" (args 1 2) }}'],
  ])("%s fails with the output limit", async (_what, text) => {
    await expect(render(text)).rejects.toThrow(`error calling printf: ${OUTPUT_LIMIT_MESSAGE}`);
  });

  it("one call may pad up to the output limit", async () => {
    expect((await render(`{{ printf "%${MAX_OUTPUT}d" 1 }}`)).length).toBe(MAX_OUTPUT);
  });

  it("a string doubled in a loop stops at the output limit instead of growing without end", async () => {
    await expect(
      render('{{ $s := "x" }}{{ range 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ len $s }}'),
    ).rejects.toThrow(`error calling printf: ${OUTPUT_LIMIT_MESSAGE}`);
  });

  it("reReplaceAll stops once its result passes the output limit", async () => {
    const msg = `error calling reReplaceAll: ${OUTPUT_LIMIT_MESSAGE}`;
    const twoThousand = '(printf "%2000s" "")';
    expect(await render(`{{ reReplaceAll "a" "${"$0".repeat(1000)}" ${twoThousand} | len }}`)).toBe("2000");
    // Many matches, each repeated 20,000 times (the limit falls after ~50 of the 2,000 matches, well inside
    // the regexp time budget even on a loaded machine); one match repeated past the limit.
    await expect(render(`{{ reReplaceAll " " "${"$0".repeat(20_000)}" ${twoThousand} }}`)).rejects.toThrow(msg);
    await expect(render('{{ reReplaceAll "^ *$" "$0$0" (printf "%600000s" "") }}')).rejects.toThrow(msg);
  });
});
