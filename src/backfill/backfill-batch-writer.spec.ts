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

  it('caps a flush by rows and rejects exactly the batches of a failed flush', async () => {
    const sizes: number[] = [];
    const writer = new BackfillBatchWriter((batches) => {
      sizes.push(batches.length);
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
      'fulfilled',
    ]);
    expect(sizes).toEqual([1, 2, 1]);
  });
});
