import { defineConfig } from "vitest/config";

// `npm run compliance`: Prometheus' alert-generator compliance suite against the built tsalert (and,
// on request, vmalert 1.79.5 and Prometheus). A run takes about 40 minutes of wall time.
export default defineConfig({
  test: {
    include: ["test/compliance/**/*.compliance.ts"],
    testTimeout: 24 * 3600_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
