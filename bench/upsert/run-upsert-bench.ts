import type { ConversationMessage as CrispMessage } from 'crisp-api';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import {
  buildUpsertStatement,
  columnArrays,
  columnArraysSource,
} from '../../src/conversations/batched-upsert';
import {
  MESSAGE_COLUMNS,
  MESSAGE_UPSERT_TABLE,
} from '../../src/conversations/conversation-messages.repository';
import type { MessageRecord } from '../../src/conversations/conversation-records';
import { messageRecordsFromBatch } from '../../src/conversations/crisp-record.mapper';
import { toPgClientConfig } from '../../src/database/database-connection';
import { buildBenchTruth } from '../backfill/bench-truth';
import { openBenchDatabase } from '../support/bench-database';

/**
 * bench/upsert: how the rows of a message batch reach PostgreSQL. The backfill's 33,933
 * messages, 1,000 a statement on one connection, into an emptied table, as:
 * - one jsonb array of objects (`jsonb_to_recordset`), the baseline;
 * - one typed array per column (`unnest`), what message upserts use;
 * - the jsonb rows read and counted only (the parsing alone, nothing written).
 * Prints rows/s and PostgreSQL's CPU per row (its backend's, read from /proc).
 *
 *   npm run bench:upsert        (BENCH_ROUNDS, default 3; BENCH_DATABASE_URL)
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 1_000;

function benchRecords(): MessageRecord[] {
  const { truth, websiteId } = buildBenchTruth(400);
  return [...truth.getWebsite(websiteId)!.conversations.keys()].flatMap((sessionId) => {
    const messages = JSON.parse(
      JSON.stringify(truth.getMessages(websiteId, sessionId)),
    ) as CrispMessage[];
    return messageRecordsFromBatch(messages, { websiteId, sessionId }, new Date(), 'backfill');
  });
}

/** CPU seconds of one PostgreSQL backend, or NaN when the server is not on this machine. */
function backendCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function main() {
  const records = benchRecords();
  const database = await openBenchDatabase('crisp_bench_upsert');
  const client = new Client(toPgClientConfig(database.connection));
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const jsonUpsert = buildUpsertStatement(MESSAGE_UPSERT_TABLE);
  const arraysUpsert = buildUpsertStatement(MESSAGE_UPSERT_TABLE, {
    source: columnArraysSource(MESSAGE_COLUMNS, 1),
  });
  const shape = Object.entries(MESSAGE_COLUMNS).map(([name, type]) => `"${name}" ${type}`);
  const parseOnly = `SELECT count(*) FROM jsonb_to_recordset($1::jsonb) AS r(${shape.join(', ')})`;
  const ways: Record<string, (batch: MessageRecord[]) => Promise<unknown>> = {
    'jsonb_to_recordset (baseline)': (batch) => client.query(jsonUpsert, [JSON.stringify(batch)]),
    'unnest of column arrays': (batch) =>
      client.query(arraysUpsert, columnArrays(MESSAGE_COLUMNS, batch)),
    'jsonb parsing only': (batch) => client.query(parseOnly, [JSON.stringify(batch)]),
  };
  const sessions = [...new Set(records.map((record) => record.session_id))];
  console.log(`${records.length} message rows, ${BATCH} a statement, one connection\n`);
  console.log('| round | way | rows/s | ratio | PostgreSQL CPU µs/row |');
  console.log('|---|---|---|---|---|');
  for (let round = 1; round <= ROUNDS; round += 1) {
    let baseline = 0;
    for (const [name, run] of Object.entries(ways)) {
      await client.query('TRUNCATE conversation_messages, conversations');
      await client.query(
        `INSERT INTO conversations (session_id, website_id, observed_at, sync_source)
         SELECT unnest($1::text[]), $2, now(), 'backfill'`,
        [sessions, records[0].website_id],
      );
      await client.query('CHECKPOINT');
      const cpuBefore = backendCpuSeconds(rows[0].pid);
      const started = performance.now();
      for (let i = 0; i < records.length; i += BATCH) await run(records.slice(i, i + BATCH));
      const rate = records.length / ((performance.now() - started) / 1000);
      const cpu = ((backendCpuSeconds(rows[0].pid) - cpuBefore) / records.length) * 1e6;
      baseline ||= rate;
      console.log(
        `| ${round} | ${name} | ${rate.toFixed(0)} | ${(rate / baseline).toFixed(2)} | ${cpu.toFixed(1)} |`,
      );
    }
  }
  await client.end();
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
