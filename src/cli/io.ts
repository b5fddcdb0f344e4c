import { scrubSecrets } from "../net/redact.js";

/** Where commands write; tests pass buffers. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own output; like every log line, it passes the credential scrubber (src/net/redact.ts). */
export const processIO: CliIO = {
  out: (t) => process.stdout.write(scrubSecrets(t)),
  err: (t) => process.stderr.write(scrubSecrets(t)),
};
