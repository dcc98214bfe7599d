import { Logger, type INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { toPgClientConfig } from '../../src/database/database-connection';
import type { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import {
  compareMirrorWithTruth,
  createAppOnSimulator,
  eventually,
  PERFECT,
} from '../support/crisp-test-setup';
import { startSimulatedWebsite } from '../support/simulated-website';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(120_000);

/** The application name of the service's own (writers') pool: the sessions the test ends. */
const SERVICE_POOL = 'crisp-basedash-tool';

/**
 * A backfill survives what a database failover or an operator does to its sessions: a session
 * ended under a statement (pg_terminate_backend, 57P01) is a transient error; the job resumes
 * from its checkpoint instead of failing for good. The test holds a lock on the checkpoint table
 * so that a statement of the job is certainly in flight when its session is ended, once in each
 * phase, then ends every session of the service's pool, busy or idle.
 */
describe('backfill: sessions terminated by the database mid-job', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let admin: Client;
  let databaseName: string;

  beforeAll(async () => {
    ({ truth, websiteId, simulator } = await startSimulatedWebsite(67, 120, (i) => 1 + (i % 90)));
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl);
    admin = new Client(toPgClientConfig(database.connection));
    await admin.connect();
    const rows = (await admin.query<{ name: string }>('SELECT current_database() AS name')).rows;
    databaseName = rows[0].name;
  });

  afterAll(async () => {
    await admin?.end();
    await app?.close();
    await simulator?.stop();
    await database?.drop();
  });

  /** Ends the service's sessions (never the test's): those waiting on a lock, or all of them. */
  async function terminateServiceSessions(which: 'waiting' | 'all'): Promise<number> {
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()
         AND ($3 = 'all' OR wait_event_type = 'Lock')`,
      [databaseName, SERVICE_POOL, which],
    );
    return rowCount ?? 0;
  }

  /**
   * Holds the checkpoint table (reads of it still pass) until a statement of the job waits on
   * it, then ends that statement's session.
   */
  async function terminateInFlightStatement(meanwhile: () => Promise<unknown> = async () => {}) {
    await admin.query('BEGIN');
    try {
      await admin.query('LOCK TABLE backfill_job_conversations IN EXCLUSIVE MODE');
      await meanwhile();
      await eventually(
        async () => expect(await terminateServiceSessions('waiting')).toBe(1),
        20_000,
      );
    } finally {
      await admin.query('COMMIT');
    }
  }

  it('completes with every message stored, each message once', async () => {
    // Only watched: the lines say the job met the errors and resumed, rather than missed them.
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    simulator.faults.setLatency(15);
    const backfill = app.get(BackfillService);
    let jobId = '';
    // The listing phase: the commit of its first page (the conversations it queues) waits.
    await terminateInFlightStatement(async () => {
      jobId = (await backfill.startOrJoin(websiteId)).status.id;
    });
    const status = { id: jobId };
    // The messages phase: a flush of message batches with their checkpoints.
    await eventually(async () => {
      const { status: state, progress } = await backfill.status(status.id);
      expect({ state, storing: progress.messagesStored > 0 }).toEqual({
        state: 'running',
        storing: true,
      });
    });
    await terminateInFlightStatement();
    // Then every session of the pool at once, as a restart of PostgreSQL would.
    expect(await terminateServiceSessions('all')).toBeGreaterThan(0);

    // The pool may hand the test's own read a session ended a moment ago: read again then.
    const done = await eventually(() => backfill.waitUntilSettled(status.id, 50), 60_000);
    expect({ status: done.status, error: done.error }).toEqual({
      status: 'completed',
      error: null,
    });
    const dataSource = app.get(DataSource);
    expect(await compareMirrorWithTruth(dataSource, truth, websiteId)).toMatchObject(PERFECT);
    const messages = [...truth.getWebsite(websiteId)!.conversations.keys()].reduce(
      (sum, sessionId) => sum + truth.getMessages(websiteId, sessionId).length,
      0,
    );
    const resumed = warnings.mock.calls.filter(([line]) =>
      /database unreachable .*resuming from its checkpoint/.test(String(line)),
    );
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    expect(done.progress.conversationsDone).toBe(120);
    // A terminated statement never committed: nothing was counted twice on resuming.
    expect(done.progress.messagesStored).toBe(messages);
  });
});
