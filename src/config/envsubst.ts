// `%{NAME}` placeholders, replaced from the environment in flags and rule files. Unknown names stay
// as written, as in vmalert.

const PLACEHOLDER = /%\{([^{}\s]+)\}/g;

export function substituteEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!text.includes("%{")) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => env[name] ?? whole);
}
