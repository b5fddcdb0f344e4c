// Reading one rule source (local file or http(s) URL) into text, turning every way that can go wrong
// into one message instead of an exception.

import { isUtf8 } from "node:buffer";
import { readFile, stat } from "node:fs/promises";
import { errorMessage } from "../errors.js";
import { userinfoAuth } from "../net/auth.js";
import { redactURL, registerAuthorization, registerURLSecrets, scrubPeerText } from "../net/redact.js";

/** Larger rule files are refused rather than read: real rule files are far below this. */
export const MAX_RULE_FILE_BYTES = 32 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string; line?: number; col?: number };

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

function sizeText(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

export async function readRuleSource(path: string, timeoutMs = 30_000): Promise<ReadResult> {
  return isUrl(path) ? readUrl(path, timeoutMs) : readLocal(path);
}

/**
 * fetch refuses URLs with userinfo; like Go's client (vmalert), it becomes basic auth. The credentials
 * stay out of every message: the URL is shown redacted and fetch's errors are scrubbed.
 */
function ruleRequest(url: string): { target: string; headers: Record<string, string> } {
  registerURLSecrets(url);
  const { url: target, authorization } = userinfoAuth(url);
  if (!authorization) return { target, headers: {} };
  registerAuthorization(authorization);
  return { target, headers: { authorization } };
}

async function readUrl(url: string, timeoutMs: number): Promise<ReadResult> {
  const shown = redactURL(url);
  try {
    const { target, headers } = ruleRequest(url);
    const res = await fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { ok: false, message: `unexpected HTTP status ${res.status} from ${shown}` };
    }
    const length = Number(res.headers.get("content-length") ?? 0);
    if (length > MAX_RULE_FILE_BYTES) {
      await res.body?.cancel();
      return { ok: false, message: `too large (${sizeText(length)}); the limit is ${sizeText(MAX_RULE_FILE_BYTES)}` };
    }
    const buf = Buffer.from(await res.arrayBuffer());
    return decode(buf);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    const msg = `${errorMessage(err)}${cause}`;
    return { ok: false, message: `cannot fetch: ${scrubPeerText(msg.split(url).join(shown))}` };
  }
}

async function readLocal(path: string): Promise<ReadResult> {
  try {
    // stat before open: opening a FIFO given as a rule path would block the loader forever.
    const st = await stat(path);
    if (st.isDirectory()) {
      return { ok: false, message: "is a directory, not a rule file (use a glob such as dir/*.yml)" };
    }
    if (!st.isFile()) return { ok: false, message: "is not a regular file" };
    if (st.size > MAX_RULE_FILE_BYTES) {
      return {
        ok: false,
        message: `file is too large (${sizeText(st.size)}); the limit is ${sizeText(MAX_RULE_FILE_BYTES)}`,
      };
    }
    return decode(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, message: "no such file" };
    if (code === "EACCES" || code === "EPERM") return { ok: false, message: "cannot read: permission denied" };
    return { ok: false, message: `cannot read: ${errorMessage(err)}` };
  }
}

function decode(buf: Buffer): ReadResult {
  if (!isUtf8(buf)) {
    const at = firstInvalidUtf8(buf);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (buf[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const col = buf.subarray(lineStart, at).toString("utf8").length + 1;
    return { ok: false, message: `not valid UTF-8 (byte 0x${buf[at].toString(16)} at offset ${at})`, line, col };
  }
  let text = buf.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return { ok: false, message: "file is empty" };
  return { ok: true, text };
}

function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > buf.length || !isUtf8(buf.subarray(i, i + n))) return i;
    i += n;
  }
  return buf.length - 1;
}
