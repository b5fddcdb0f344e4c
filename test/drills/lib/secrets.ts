// Helpers of the security drill: servers that misbehave the way a credential leak needs (an echoing
// peer, an OAuth2 token endpoint) and a search of every output for the secrets a run was given.
import { createServer, type Server } from "node:http";

export interface FakeServer {
  url: string;
  /** Requests seen: method, URL and headers, for asserting what was sent. */
  seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[];
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
}

function stopper(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * Answers every request with `status` and a body echoing the request line, all headers and the body:
 * a peer (or proxy) that puts what it got into its error message. Real peers cannot be made to do that.
 * `format` "json" wraps the echo in a Prometheus API error (`{"status":"error",...}`, also on a 200);
 * "text" sends it as plain text (a proxy's error page, or garbage on a 200).
 */
export async function startEchoServer(status = 400, format: "json" | "text" = "json"): Promise<FakeServer> {
  const seen: FakeServer["seen"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("latin1");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const lines = [`${req.method} ${req.url}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      // Printable part of the body (remote write bodies are snappy bytes).
      lines.push("", body.replace(/[^\x20-\x7e\n]/g, ".").slice(0, 2000));
      const text = `echo: ${lines.join("\n")}`;
      if (format === "text") {
        res.writeHead(status, { "Content-Type": "text/plain" });
        res.end(text);
        return;
      }
      // JSON-ish so a Prometheus client may read it as an API error with the echo as its message.
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: "error", errorType: "bad_data", error: text }));
    });
  });
  const url = await listen(server);
  return { url, seen, stop: stopper(server) };
}

/** An OAuth2 client-credentials token endpoint that issues `accessToken` to `clientID`/`clientSecret`. */
export async function startTokenServer(
  clientID: string,
  clientSecret: string,
  accessToken: string,
): Promise<FakeServer> {
  const seen: FakeServer["seen"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const form = new URLSearchParams(body);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent)
        : [form.get("client_id"), form.get("client_secret")];
      if (id !== clientID || secret !== clientSecret) {
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "invalid_client" }));
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ access_token: accessToken, token_type: "bearer", expires_in: 3600 }));
    });
  });
  const url = await listen(server);
  return { url, seen, stop: stopper(server) };
}

/**
 * Every form a secret may take in output: as is, URL-encoded (component and form encoding), JSON-escaped,
 * base64 of user:secret (basic auth, also with both parts URL-encoded as OAuth2 clients send them).
 */
export function secretForms(secrets: Record<string, string>, basicPairs: [string, string][] = []): Map<string, string> {
  const forms = new Map<string, string>();
  for (const [name, v] of Object.entries(secrets)) {
    forms.set(v, name);
    forms.set(encodeURIComponent(v), name);
    forms.set(new URLSearchParams([["", v]]).toString().slice(1), name);
    forms.set(JSON.stringify(v).slice(1, -1), name);
  }
  for (const [user, pass] of basicPairs) {
    forms.set(Buffer.from(`${user}:${pass}`).toString("base64"), `basic(${user})`);
    forms.set(
      Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(pass)}`).toString("base64"),
      `basic(${user})`,
    );
  }
  return forms;
}

/** Which secret forms occur in `text`, as "name in <where>: …context…". */
export function findSecrets(where: string, text: string, forms: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [form, name] of forms) {
    const i = text.indexOf(form);
    if (i >= 0) out.push(`${name} in ${where}: …${text.slice(Math.max(0, i - 120), i + form.length + 40)}…`);
  }
  return out;
}
