import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BackfillService } from '../../src/backfill/backfill.service';
import { CrispEventIngestService } from '../../src/realtime/crisp-event-ingest.service';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import type { CrispSimulator } from '../crisp-simulator';

export interface BannerFacts {
  port: number;
  /** The whole psql command, ready to paste. */
  psql: string;
  embeddedDatabase: boolean;
  simulatorUrl: string;
  websiteId: string;
  conversations: number;
  messages: number;
  rate: number;
  sampleSessionId: string;
  backfillJobId: string;
  webhooks: boolean;
  progressIntervalMs: number;
}

/** What a newcomer can do now, with every command ready to paste. */
export function banner(facts: BannerFacts): string {
  const api = `http://localhost:${facts.port}`;
  const database = facts.embeddedDatabase ? 'embedded PostgreSQL' : 'your configured PostgreSQL';
  const doors = facts.webhooks ? 'RTM and signed Web Hooks' : 'RTM';
  const lines = [
    'Crisp → PostgreSQL demo: a simulated Crisp (no credentials needed), ' +
      `the service, and ${database}`,
    '',
    `Simulated Crisp   ${facts.simulatorUrl}  website ${facts.websiteId}`,
    `                  ${facts.conversations} conversations, ${facts.messages} messages of history; ` +
      `live traffic ~${facts.rate} actions/s over ${doors}`,
    '',
    'Query the database:',
    `  ${facts.psql}`,
    '    SELECT session_id, state, meta_nickname, last_message FROM conversations',
    '      WHERE deleted_at IS NULL ORDER BY updated_at DESC LIMIT 10;',
    '',
    'Or the read API:',
    `  curl ${api}/crisp-db/conversations`,
    `  curl ${api}/crisp-db/messages/${facts.sampleSessionId}`,
    `  curl ${api}/crisp/backfill/${facts.backfillJobId}     (the start-up backfill)`,
    '',
    `A progress line every ${Math.round(facts.progressIntervalMs / 1000)} s; ` +
      'Ctrl-C stops everything.',
  ];
  const rule = '─'.repeat(Math.max(...lines.map((line) => line.length)));
  return ['', rule, ...lines, rule, ''].join('\n');
}

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * One line of where things stand, from the sources a user would check: row counts from
 * PostgreSQL (soft-deleted rows excluded, as the read API does), the service's own RTM state and
 * event counters, and the backfill job's status.
 */
export class DemoProgress {
  private readonly dataSource: DataSource;
  private readonly rtm: RtmListenerService;
  private readonly ingest: CrispEventIngestService;
  private readonly backfill: BackfillService;

  constructor(
    app: INestApplication,
    private readonly simulator: CrispSimulator,
    private readonly backfillJobId: string,
  ) {
    this.dataSource = app.get(DataSource);
    this.rtm = app.get(RtmListenerService);
    // Not exported by RealtimeModule; app.get looks through the whole graph by default.
    this.ingest = app.get(CrispEventIngestService);
    this.backfill = app.get(BackfillService);
  }

  async line(): Promise<string> {
    const rows: { conversations: string; messages: string }[] = await this.dataSource.query(
      `SELECT (SELECT count(*) FROM conversations WHERE deleted_at IS NULL) AS conversations,
              (SELECT count(*) FROM conversation_messages WHERE deleted_at IS NULL) AS messages`,
    );
    const received = [...this.ingest.counts.values()].reduce((sum, count) => sum + count, 0);
    const sent = this.simulator.traffic.stats().events;
    const backfill = await this.backfill.status(this.backfillJobId);
    return [
      `${numberFormat.format(Number(rows[0].conversations))} conversations, ` +
        `${numberFormat.format(Number(rows[0].messages))} messages in PostgreSQL`,
      `RTM ${this.rtm.state}`,
      `${numberFormat.format(received)} events received (simulator sent ${numberFormat.format(sent)})`,
      `backfill ${backfill.status}`,
    ].join(' | ');
  }
}
