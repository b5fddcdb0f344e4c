// Rendezvous (highest random weight) hashing: each member scores a key, the R best scores own it. Adding
// a member moves only the keys the new member now wins (about 1/N of them), and no key moves between
// the members that stay, so a resize restores as few groups as possible.
import { Fnv64 } from "../rule/index.js";

const MASK64 = (1n << 64n) - 1n;

/**
 * FNV-1a alone mixes its last bytes poorly: scores of one key for members 0..N-1 would be correlated and
 * some members would win more often. The splitmix64 finalizer spreads every input bit over the output.
 */
function mix64(z: bigint): bigint {
  let x = z;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return x ^ (x >> 31n);
}

/** Member `member`'s score for `key`: a stable 64-bit value, the same in every process and release. */
export function rendezvousScore(member: number, key: string): bigint {
  return mix64(new Fnv64().string(String(member)).sep().string(key).bigint());
}

/**
 * The `replication` members (of 0..count-1) that own `key`, best score first. Ties (never seen in
 * practice) go to the lower member number, so every member computes the same answer.
 */
export function rendezvousOwners(key: string, count: number, replication: number): number[] {
  const scored: { member: number; score: bigint }[] = [];
  for (let m = 0; m < count; m++) scored.push({ member: m, score: rendezvousScore(m, key) });
  scored.sort((a, b) => (a.score === b.score ? a.member - b.member : a.score > b.score ? -1 : 1));
  return scored.slice(0, Math.min(replication, count)).map((s) => s.member);
}
