/** Issue 13 item 9: the status page and /metrics tell how fresh ratings and the change log are. */
import request from 'supertest';
import type { App } from 'supertest/types';
import { parsePrometheusText, samplesOf, valueOf } from '../metrics/prometheus-text';
import { startHookDoor, type HookDoor } from '../support/hook-door';

jest.setTimeout(60_000);

describe('freshness of the entities beside conversations and messages', () => {
  let door: HookDoor;
  beforeAll(async () => {
    door = await startHookDoor(53);
  });
  afterAll(() => door.close());

  const http = () => request(door.app.getHttpServer() as App);
  const freshnessOf = async (entity: string) => {
    const response = await http().get('/status').expect(200);
    const body = response.body as {
      data: { freshness: { entity: string; lastEventAt: string | null }[] };
    };
    return body.data.freshness.find((row) => row.entity === entity);
  };

  it('shows none yet, then the time of the last rating and change stored', async () => {
    expect(await freshnessOf('conversation_ratings')).toEqual({
      entity: 'conversation_ratings',
      lastEventAt: null,
      lastRefreshAt: null,
    });
    const session_id = door.sessions()[0];
    const before = Date.now();
    await door.send(door.hook('session:sync:rating', { session_id, rating: { stars: 5 } }));
    await door.send(door.hook('session:set_state', { session_id, state: 'resolved' }));
    for (const entity of ['conversation_ratings', 'conversation_events']) {
      const seen = Date.parse((await freshnessOf(entity))!.lastEventAt!);
      expect(seen).toBeGreaterThanOrEqual(before);
      expect(seen).toBeLessThanOrEqual(Date.now());
    }
    const metrics = parsePrometheusText((await http().get('/metrics').expect(200)).text);
    const rated = valueOf(metrics, 'entity_last_event_timestamp_seconds', {
      entity: 'conversation_ratings',
    });
    expect(rated * 1000).toBeGreaterThanOrEqual(before - 1000);
    expect(samplesOf(metrics, 'entity_last_event_timestamp_seconds', { entity: 'people' })).toEqual(
      [],
    );
  });
});
