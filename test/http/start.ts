// Starts createHttpServer on a free loopback port with the fake view; tests close it in afterAll.
import { pino } from "pino";
import { createHttpServer, type HttpHooks, type HttpServer, type HttpServerOptions } from "../../src/http/index.js";
import type { ApiAlert, ApiGroup, EngineView } from "../../src/rule/api.js";
import { fakeView } from "./fake-view.js";

export interface Started {
  server: HttpServer;
  url: string;
  reloads: number;
  logs: string[];
}

export async function start(
  opts: HttpServerOptions = {},
  view: EngineView = fakeView(),
  hooks: Partial<HttpHooks> = {},
): Promise<Started> {
  const logs: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const state: Started = { server: undefined as unknown as HttpServer, url: "", reloads: 0, logs };
  state.server = await createHttpServer(
    { listenAddrs: ["127.0.0.1:0"], processMetrics: false, ...opts },
    view,
    {
      reload: hooks.reload ?? (() => void state.reloads++),
      flags: hooks.flags ?? (() => ({ "datasource.url": "http://vm:8428", "httpAuth.password": "secret" })),
    },
    logger,
  );
  state.url = state.server.urls[0];
  return state;
}

export async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { redirect: "manual", ...init });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

export type OutGroup = ApiGroup & { states: Record<string, number> };

/** The JSON bodies of the API routes, loosely: tests assert on them. */
export interface ApiBody {
  status?: string;
  error?: string;
  errorType?: number;
  data: {
    groups: OutGroup[];
    alerts: ApiAlert[];
    notifiers: unknown[];
    page?: number;
    total_pages?: number;
    total_groups?: number;
    total_rules?: number;
    groupNextToken?: string;
  };
}

export async function getJSON<T = ApiBody>(url: string, init?: RequestInit): Promise<{ status: number; json: T }> {
  const r = await get(url, init);
  return { status: r.status, json: JSON.parse(r.body) as T };
}
