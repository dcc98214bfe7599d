import { runConcurrently } from './run-concurrently';

describe('runConcurrently', () => {
  it('keeps `limit` items in flight, one slow item holding one slot only', async () => {
    const finished: string[] = [];
    let inFlight = 0;
    let most = 0;
    const slow = new Promise<void>((resolve) => setTimeout(resolve, 100));
    await runConcurrently(['slow', 'a', 'b', 'c', 'd'], 2, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await (item === 'slow' ? slow : Promise.resolve());
      inFlight -= 1;
      finished.push(item);
    });
    expect(most).toBe(2);
    expect(finished).toEqual(['a', 'b', 'c', 'd', 'slow']);
  });

  it('runs every item although one rejects, then rethrows the first rejection', async () => {
    const done: number[] = [];
    const run = runConcurrently([1, 2, 3], 1, async (item) => {
      await Promise.resolve();
      if (item === 1) throw new Error('first');
      done.push(item);
    });
    await expect(run).rejects.toThrow('first');
    expect(done).toEqual([2, 3]);
  });
});
