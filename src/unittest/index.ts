export { type Backend, type BackendOptions, inputToSeries, startBackend } from "./backend.js";
export { parseUnittestArgs, UNITTEST_USAGE, type UnittestArgs, unittest } from "./cli.js";
export { fixtureQuerier } from "./fixture.js";
export { junitXml } from "./junit.js";
export { expandValues, formatLabels, type InputPoint, NotationError, parseSeries } from "./notation.js";
export { type FileResult, loadTestRules, type RunOptions, runTestFile, type TestResult } from "./runfile.js";
export { orderGroups, StepClock, StepRunner } from "./steps.js";
export { fixtureTarget, promqlTarget, type TestTarget, VM_STORAGE_SHIFT_MS, vmTarget } from "./targets.js";
export {
  parseTestFile,
  readTestFile,
  type TestFile,
  TestFileError,
  type TestFormat,
} from "./testfile.js";
export { shiftExpr } from "./timeshift.js";
