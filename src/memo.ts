// One mechanism for the caches that remember what was made from a key (compiled templates and queries,
// formatted times, shifted expressions): bounded by emptying the map when it is full, which costs only
// making things again, so a stream of new keys (reloads, changing times) cannot grow it without end.

/** `map`'s value for `key`, made by `make` when missing. Values are never undefined. */
export function memo<K, V>(map: Map<K, V>, key: K, max: number, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    if (map.size >= max) map.clear();
    map.set(key, v);
  }
  return v;
}
