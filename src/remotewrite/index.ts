export { createMemoryWriter, type MemoryWriter } from "./memory.js";
export { encodeWriteRequest } from "./protobuf.js";
export { snappyCompress } from "./snappy.js";
export { isStaleNaN, staleNaN, staleSample } from "./stale.js";
export type { Post, PostResult } from "./transport.js";
export * from "./types.js";
export { writeURL } from "./url.js";
export { createRemoteWriter } from "./writer.js";
