/** The shared binary heap: pops in priority order, checked against a plain sort. */
import t from 'tap';
import { Heap } from '../../src/executor/heap.js';

t.test('pops in ascending priority, with pushes between pops', async (t) => {
  // A fixed pseudo-random sequence (LCG), so the test is deterministic.
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 1000;
  const h = new Heap<{ priority: number; id: number }>();
  const reference: number[] = [];
  const popped: number[] = [];
  const expected: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const p = next();
    h.push({ priority: p, id: i });
    reference.push(p);
    if (i % 3 === 2) {
      reference.sort((a, b) => a - b);
      expected.push(reference.shift()!);
      popped.push(h.pop()!.priority);
    }
  }
  t.equal(h.size, reference.length);
  t.equal(h.peek()!.priority, Math.min(...reference));
  reference.sort((a, b) => a - b);
  while (h.size > 0) popped.push(h.pop()!.priority);
  t.same(popped, [...expected, ...reference]);
  t.equal(h.pop(), undefined);
  h.push({ priority: 1, id: 0 });
  h.clear();
  t.equal(h.size, 0);
  t.equal(h.items.length, 0);
});
