// Strongly connected components (Tarjan's algorithm, iterative: a long chain must not overflow the
// stack) and one concrete cycle through each, for messages.

/** Components with more than one node, or one node with an edge to itself; nodes in ascending order. */
export function cyclicComponents(n: number, edges: readonly (readonly number[])[]): number[][] {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: number[][] = [];
  let next = 0;
  const frames: Array<{ v: number; i: number }> = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    frames.push({ v: root, i: 0 });
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      const succ = edges[f.v];
      if (f.i < succ.length) {
        const w = succ[f.i++];
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, i: 0 });
        } else if (onStack[w]) {
          low[f.v] = Math.min(low[f.v], index[w]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].v;
        low[parent] = Math.min(low[parent], low[f.v]);
      }
      if (low[f.v] !== index[f.v]) continue;
      const comp: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = 0;
        comp.push(w);
      } while (w !== f.v);
      if (comp.length > 1 || edges[f.v].includes(f.v)) out.push(comp.sort((a, b) => a - b));
    }
  }
  return out;
}

/** A shortest cycle from `start` back to it inside `members` (breadth first); nodes in edge order. */
export function cycleThrough(
  start: number,
  members: ReadonlySet<number>,
  edges: readonly (readonly number[])[],
): number[] {
  if (edges[start].includes(start)) return [start];
  const prev = new Map<number, number>();
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    for (const w of edges[v]) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]) as number);
        return path;
      }
      if (prev.has(w) || w === start) continue;
      prev.set(w, v);
      queue.push(w);
    }
  }
  return [start];
}
