// The server's two states that several parts read: whether the engine runs yet (-> the engine gate in
// ./request.ts, /health) and whether shutdown began (-> /health, `Connection: close` in ./respond.ts).
// Shutdown: /health answers 503 for -http.shutdownDelay, so a load balancer stops sending here, then the
// listeners close (./listeners.ts).
import type { Logger } from "pino";

export interface Lifecycle {
  engineRunning(): boolean;
  shuttingDown(): boolean;
  /** /health: the engine runs and shutdown has not begun. */
  healthy(): boolean;
  engineStarted(): void;
  /** Begins shutdown once (later calls get the same promise): the delay, then `closeListeners`. */
  close(closeListeners: () => Promise<void>): Promise<void>;
}

export function createLifecycle(o: { waitForEngine: boolean; shutdownDelayMs: number; logger: Logger }): Lifecycle {
  let engineRunning = !o.waitForEngine;
  let shuttingDown = false;
  let closing: Promise<void> | undefined;
  return {
    engineRunning: () => engineRunning,
    shuttingDown: () => shuttingDown,
    healthy: () => engineRunning && !shuttingDown,
    engineStarted() {
      engineRunning = true;
    },
    close(closeListeners) {
      closing ??= (async () => {
        shuttingDown = true;
        if (o.shutdownDelayMs > 0) {
          o.logger.info({ delayMs: o.shutdownDelayMs }, "HTTP server: /health answers 503 before the listeners close");
          await new Promise((r) => setTimeout(r, o.shutdownDelayMs));
        }
        await closeListeners();
      })();
      return closing;
    },
  };
}
