// Rule texts compiled once; texts that are not templates are copied verbatim, as vmalert does.
import { keptErrorText } from "../errors.js";
import { isTemplate } from "../template/index.js";
import type { AlertTemplateData, CompiledTemplate, RenderContext } from "../template/types.js";
import { errorMessage } from "./rule.js";
import type { CompileTemplate } from "./types.js";

export type RuleText = { literal: string } | { tpl: CompiledTemplate };

export type RuleTexts = Array<[string, RuleText]>;

export function compileTexts(texts: Record<string, string>, compile: CompileTemplate, limited: boolean): RuleTexts {
  const out: RuleTexts = [];
  for (const k of Object.keys(texts)) {
    const text = texts[k];
    if (!isTemplate(text)) {
      out.push([k, { literal: text }]);
      continue;
    }
    try {
      out.push([k, { tpl: compile(text, { limited }) }]);
    } catch (err) {
      const msg = errorMessage(err);
      out.push([k, { tpl: { render: () => Promise.reject(new Error(msg)) } }]);
    }
  }
  return out;
}

export function allLiteral(texts: RuleTexts): boolean {
  return texts.every(([, t]) => "literal" in t);
}

const PREFIX = "error evaluating template: ";

/** vmalert's value of a text whose template failed: `error evaluating template: ...`. */
export function vmalertTemplateError(msg: string): string {
  return msg.startsWith(PREFIX) ? msg : PREFIX + msg;
}

/** Prometheus' value of a text whose template failed: `<error expanding template: ...>`. */
export function prometheusTemplateError(msg: string): string {
  return `<error expanding template: ${msg.startsWith(PREFIX) ? msg.slice(PREFIX.length) : msg}>`;
}

/**
 * Renders every text. A failing text gets `errorText(message)` as its value (vmalert's by default) and
 * the first failure is reported through onError; the others still render.
 */
export async function renderTexts(
  texts: RuleTexts,
  data: AlertTemplateData,
  ctx: RenderContext,
  onError: (msg: string) => void,
  errorText: (msg: string) => string = vmalertTemplateError,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, t] of texts) {
    if ("literal" in t) {
      out[k] = t.literal;
      continue;
    }
    try {
      out[k] = await t.tpl.render(data, ctx);
    } catch (err) {
      // The annotation goes to Alertmanager and the API with every alert: an error quoting a peer stays small.
      const text = keptErrorText(errorText(errorMessage(err)));
      out[k] = text;
      onError(`${k}: ${text}`);
    }
  }
  return out;
}
