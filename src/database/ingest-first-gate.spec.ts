import type { AppConfig } from '../config/app-config';
import { INGESTION_WINDOW_MS, IngestFirstGate } from './ingest-first-gate';

const config = { reads: { poolSize: 3, sharePercent: 25 } } as unknown as AppConfig;

/** Starts `count` reads; answers how many have been admitted so far, and their leave functions. */
function reads(gate: IngestFirstGate, count: number) {
  const admitted: (() => void)[] = [];
  for (let i = 0; i < count; i += 1) void gate.enterRead().then((leave) => admitted.push(leave));
  return admitted;
}

describe('IngestFirstGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs up to the read pool size at once when no event arrives', async () => {
    const gate = new IngestFirstGate(config);
    const admitted = reads(gate, 5);
    await jest.advanceTimersByTimeAsync(0);
    expect(admitted).toHaveLength(3);
    admitted[0]();
    await jest.advanceTimersByTimeAsync(0);
    expect(admitted).toHaveLength(4);
  });

  it('while events arrive, runs one read at a time, paced to a quarter of the time', async () => {
    const gate = new IngestFirstGate(config);
    gate.noteIngest();
    const admitted = reads(gate, 3);
    await jest.advanceTimersByTimeAsync(0);
    expect(admitted).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(20);
    admitted[0]();
    // It held its slot 20 ms: the next waits 3 × 20 ms.
    await jest.advanceTimersByTimeAsync(59);
    expect(admitted).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(admitted).toHaveLength(2);
  });

  it('returns to full concurrency once events stop arriving', async () => {
    const gate = new IngestFirstGate(config);
    gate.noteIngest();
    const admitted = reads(gate, 3);
    await jest.advanceTimersByTimeAsync(INGESTION_WINDOW_MS);
    admitted[0]();
    await jest.advanceTimersByTimeAsync(0);
    expect(admitted).toHaveLength(3);
  });
});
