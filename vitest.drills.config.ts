import { defineConfig } from "vitest/config";

// The drill suite (`npm run drills`): faults injected into a real stack, one file per drill family.
// Drills share the two cores with nothing else, so they run one file at a time.
export default defineConfig({
  test: {
    include: ["test/drills/**/*.drill.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
