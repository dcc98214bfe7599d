import { Injectable } from '@nestjs/common';
import { CrispEventIngestService, type IngestOutcome } from './crisp-event-ingest.service';
import { isRecord, member } from '../common/payload-readers';
import { SetAsideService } from '../set-aside/set-aside.service';

/** Epoch seconds below this are read as seconds (Crisp's unit is UNVERIFIED, crisp-protocol.md §1.4). */
const SECONDS_BEFORE = 1e12;
const MAX_EPOCH_MS = 8.64e15;

/**
 * What every Web Hook door does once it has authenticated a hook (a signature, a URL key): the
 * body, whatever its shape, is stored down the RTM line or set aside whole, so it can be answered
 * 2xx; this rejects only when neither was possible (buffer full, shutdown, database unreachable).
 */
@Injectable()
export class WebhookIntakeService {
  constructor(
    private readonly ingest: CrispEventIngestService,
    private readonly setAside: SetAsideService,
  ) {}

  async receive(rawBody: Buffer, body: unknown): Promise<IngestOutcome> {
    const raw = rawBody.toString('utf8');
    const hook = isRecord(body) ? body : {};
    const name = member(hook, 'event');
    const data = member(hook, 'data');
    if (typeof name !== 'string' || !isRecord(data)) {
      await this.setAside.record({
        door: 'webhook',
        event: typeof name === 'string' ? name : null,
        reason: 'malformed_hook',
        detail: null,
        payload: raw || 'null',
      });
      return 'set-aside';
    }
    // The body names the website once for the event; the payload usually does too.
    const websiteId = member(hook, 'website_id');
    const payload =
      member(data, 'website_id') === undefined && websiteId !== undefined
        ? { ...data, website_id: websiteId }
        : data;
    return this.ingest.ingest(
      { name, payload, at: emittedAt(member(hook, 'timestamp')), door: 'webhook' },
      raw,
    );
  }
}

/** When Crisp emitted the hook (ordering its changes), or now if it did not say. */
function emittedAt(timestamp: unknown): Date {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) {
    return new Date();
  }
  const ms = timestamp < SECONDS_BEFORE ? timestamp * 1000 : timestamp;
  return ms <= MAX_EPOCH_MS ? new Date(ms) : new Date();
}
