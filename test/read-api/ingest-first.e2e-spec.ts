import { request as httpRequest } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { IngestFirstGate } from '../../src/database/ingest-first-gate';
import { eventually } from '../support/crisp-test-setup';
import { useSuiteApp } from '../support/suite-app';

/**
 * Issue 12 item 5: while events arrive, read API answers run one at a time (IngestFirstGate).
 * A turn is freed when its answer is written, and also when the client left while waiting.
 */
describe('the read API gives way to ingestion', () => {
  const { app, http } = useSuiteApp({ READ_SHARE_PERCENT: '50' });
  let ingesting: NodeJS.Timeout | undefined;
  afterEach(() => clearInterval(ingesting));

  const keepIngesting = (gate: IngestFirstGate) => {
    gate.noteIngest();
    ingesting = setInterval(() => gate.noteIngest(), 100);
  };

  it('frees the turn of a client that left while waiting for it', async () => {
    const gate = app().get(IngestFirstGate);
    keepIngesting(gate);
    // A read holds the one turn there is while events arrive.
    const leave = await gate.enterRead();
    const server = app().getHttpServer() as Server;
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const waiting = httpRequest({ host: '127.0.0.1', port, path: '/crisp-db/conversations' });
    waiting.on('error', () => undefined);
    waiting.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    waiting.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    leave();
    await eventually(() => expect(gate.readsRunning).toBe(0), 3_000);
    const answer = await http().get('/crisp-db/conversations').timeout(5_000);
    expect(answer.status).toBe(200);
    expect(gate.readsRunning).toBe(0);
    await new Promise((closed) => server.close(closed));
  });

  it('answers reads one at a time while events arrive, all of them in the end', async () => {
    const gate = app().get(IngestFirstGate);
    keepIngesting(gate);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, gate.readsRunning)), 1);
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => http().get('/crisp-db/conversations?limit=5')),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    } finally {
      clearInterval(watch);
    }
    expect(most).toBe(1);
  });
});
