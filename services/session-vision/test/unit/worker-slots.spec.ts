import { WorkerSlots } from '../../src/frames/worker-slots';

describe(WorkerSlots.name, () => {
  it('hands out no more slots than it has, then serves waiters in order', async () => {
    const sut = new WorkerSlots(2);
    const a = await sut.acquire();
    await sut.acquire();
    const order: string[] = [];
    const c = sut.acquire().then((release) => (order.push('c'), release));
    const d = sut.acquire().then((release) => (order.push('d'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot only
    await c;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['c']);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });
});
