import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { typeOrmOptions } from '../../src/schema/typeorm-options';
import { NestPinoLogger } from '../../src/logging/nest-pino-logger';
import { createRootLogger } from '../../src/logging/root-logger';
import { withoutQuotedValues } from '../../src/logging/typeorm-pino-logger';
import { captureLines } from '../support/log-capture';
import { testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const CUSTOMER_DATA = 'Jane-Doe-jane@example.com';

describe("TypeORM's log lines", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const output = captureLines();
  const printed: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    Logger.overrideLogger(
      new NestPinoLogger(
        createRootLogger(testConfig({ LOG_FORMAT: 'json' }).logging, output.stream),
      ),
    );
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
    }
    dataSource = await new DataSource(typeOrmOptions(database.connection)).initialize();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    Logger.overrideLogger(['error', 'warn']);
    await dataSource?.destroy();
    await database.drop();
  });

  it('go through pino, one line per failed query, with neither its parameters nor the refused value', async () => {
    await expect(
      dataSource.query('SELECT $1::bigint AS fingerprint,\n  $2::text AS email', [
        CUSTOMER_DATA,
        CUSTOMER_DATA,
      ]),
    ).rejects.toThrow(/invalid input syntax/);
    await expect(
      dataSource.query('INSERT INTO conversations (session_id) VALUES ($1)', [CUSTOMER_DATA]),
    ).rejects.toThrow(/null value/);
    await expect(dataSource.query('SELECT * FROM no_such_table')).rejects.toThrow(/does not exist/);

    const failures = output.lines.filter((line) => line.context === 'TypeORM');
    // Refusals for data are warnings (handled by their callers), other failures errors.
    expect(failures.map((line) => [line.level, line.msg])).toEqual([
      [
        40,
        'Query failed (SQLSTATE 22P02: invalid input syntax for type bigint: "[REDACTED]"): SELECT $1::bigint AS fingerprint, $2::text AS email',
      ],
      [
        40,
        expect.stringMatching(
          /^Query failed \(SQLSTATE 23502: null value in column "website_id" of relation "conversations"/,
        ),
      ],
      [
        50,
        'Query failed (SQLSTATE 42P01: relation "no_such_table" does not exist): SELECT * FROM no_such_table',
      ],
    ]);
    expect([...output.raw, ...printed].join('\n')).not.toContain(CUSTOMER_DATA);
    expect(printed).toEqual([]);
  });

  it('keeps the identifiers PostgreSQL names and blanks every other quoted value', () => {
    expect(
      withoutQuotedValues(
        'duplicate key value violates unique constraint "conversations_session_id_key" near "O\'Brien"',
      ),
    ).toBe(
      'duplicate key value violates unique constraint "conversations_session_id_key" near "[REDACTED]"',
    );
  });
});
