/**
 * "Look at task X at time T": a binary min-heap of due times with at most one live entry per key.
 * Scheduling a key earlier than its live entry supersedes it (the old entry is skipped when it
 * surfaces); scheduling it later is ignored, because the earlier visit re-reads the task and
 * schedules the next visit itself. One timer serves the whole queue, however many tasks it holds.
 */
interface Entry {
  due: number;
  key: string;
}

export class DueQueue {
  private readonly heap: Entry[] = [];
  private readonly live = new Map<string, number>();

  get size(): number {
    return this.live.size;
  }

  /** Earliest live due time, or undefined when empty. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.due;
  }

  schedule(key: string, due: number): void {
    const current = this.live.get(key);
    if (current !== undefined && current <= due) return;
    this.live.set(key, due);
    this.push({ due, key });
  }

  /** Removes and returns up to `limit` keys due at or before `now`, earliest first. */
  popDue(now: number, limit: number): string[] {
    const out: string[] = [];
    while (out.length < limit) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.due > now) break;
      this.pop();
      this.live.delete(top.key);
      out.push(top.key);
    }
    return out;
  }

  clear(): void {
    this.heap.length = 0;
    this.live.clear();
  }

  private dropStale(): void {
    for (let top = this.heap[0]; top && this.live.get(top.key) !== top.due; top = this.heap[0]) this.pop();
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Entry).due <= entry.due) break;
      h[i] = h[parent] as Entry;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && (h[r] as Entry).due < (h[l] as Entry).due ? r : l;
      if ((h[child] as Entry).due >= last.due) break;
      h[i] = h[child] as Entry;
      i = child;
    }
    h[i] = last;
  }
}
