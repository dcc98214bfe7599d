import { BackfillBatchWriter, type PendingBatch } from './backfill-batch-writer';

const batch = (sessionId: string, rows: number): PendingBatch => ({
  records: Array.from({ length: rows }, () => ({}) as PendingBatch['records'][number]),
  checkpoint: { sessionId, messagesStored: rows, requests: 1, nextBefore: null },
});

describe('BackfillBatchWriter', () => {
  it('commits what arrives during a flush together in the next one, in arrival order', async () => {
    const flushes: string[][] = [];
    let release: () => void = () => undefined;
    const writer = new BackfillBatchWriter(async (batches) => {
      flushes.push(batches.map((b) => b.checkpoint.sessionId));
      if (flushes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.write(batch('a', 40));
    const rest = ['b', 'c', 'd'].map((id) => writer.write(batch(id, 40)));
    release();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('is idle only once every batch handed over has settled', async () => {
    const releases: (() => void)[] = [];
    const writer = new BackfillBatchWriter(
      () => new Promise<void>((resolve) => releases.push(resolve)),
    );
    await writer.idle();
    const writes = [writer.write(batch('a', 40)), writer.write(batch('b', 40))];
    let idle = false;
    const waiting = writer.idle().then(() => (idle = true));
    releases.shift()?.();
    await writes[0];
    expect(idle).toBe(false);
    releases.shift()?.();
    await waiting;
    await expect(Promise.all(writes)).resolves.toBeDefined();
  });

  it('caps a flush by rows, and after a failed flush commits nothing more', async () => {
    const flushed: string[][] = [];
    const writer = new BackfillBatchWriter((batches) => {
      flushed.push(batches.map((b) => b.checkpoint.sessionId));
      const bad = batches.some((b) => b.checkpoint.sessionId === 'bad');
      return bad ? Promise.reject(new Error('database down')) : Promise.resolve();
    }, 80);
    const outcomes = await Promise.allSettled([
      writer.write(batch('a', 40)),
      writer.write(batch('bad', 40)),
      writer.write(batch('c', 40)),
      writer.write(batch('d', 40)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'rejected',
    ]);
    // 'd' was queued behind the failed flush: it is refused, never flushed.
    expect(flushed).toEqual([['a'], ['bad', 'c']]);
    await expect(writer.write(batch('e', 40))).rejects.toThrow('database down');
    expect(flushed).toHaveLength(2);
  });
});
