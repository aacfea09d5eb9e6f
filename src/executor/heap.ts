/** A binary min-heap on a task's numeric priority (lower runs first). */
export class Heap<T extends { readonly priority: number }> {
  private readonly a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  /** The items in heap order (not sorted): for scans that look at every queued item. */
  get items(): readonly T[] {
    return this.a;
  }

  push(x: T): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].priority <= x.priority) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r].priority < a[l].priority ? r : l;
        if (a[c].priority >= last.priority) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  clear(): void {
    this.a.length = 0;
  }
}
