import type { CrispEvent } from './crisp-events';
import { TwinEvents, withTwinTime } from './twin-events';

const event = (door: CrispEvent['door'], at: number, state = 'resolved'): CrispEvent => ({
  name: 'session:set_state',
  payload: { website_id: 'w', session_id: 's', state },
  at: new Date(at),
  door,
});

describe('TwinEvents', () => {
  it('gives RTM the Web Hook time, and the Web Hook the RTM arrival, whichever comes first', () => {
    const twins = new TwinEvents();
    expect(withTwinTime(twins, event('webhook', 1000))).toEqual(event('webhook', 1000));
    expect(withTwinTime(twins, event('rtm', 1040))).toEqual({
      ...event('rtm', 1000),
      twinAt: new Date(1000),
    });
    expect(withTwinTime(twins, event('rtm', 2040))).toEqual(event('rtm', 2040));
    expect(withTwinTime(twins, event('webhook', 2000))).toEqual({
      ...event('webhook', 2000),
      twinAt: new Date(2040),
    });
  });

  it('pairs copies of one change once, in order, and never two copies from one door', () => {
    const twins = new TwinEvents();
    expect(twins.pair(event('rtm', 10), 0)).toBeNull();
    expect(twins.pair(event('rtm', 20), 0)).toBeNull();
    expect(twins.pair(event('webhook', 5), 0)).toEqual(new Date(10));
    expect(twins.pair(event('webhook', 15), 0)).toEqual(new Date(20));
    expect(twins.pair(event('webhook', 25), 0)).toBeNull();
  });

  it('tells payloads apart whatever the order of their keys, and forgets a copy after a minute', () => {
    const twins = new TwinEvents();
    twins.pair(event('rtm', 10, 'pending'), 0);
    const reordered: CrispEvent = {
      ...event('webhook', 5),
      payload: { state: 'pending', session_id: 's', website_id: 'w' },
    };
    expect(twins.pair(event('webhook', 5, 'unresolved'), 0)).toBeNull();
    expect(twins.pair(reordered, 1000)).toEqual(new Date(10));
    twins.pair(event('rtm', 100, 'pending'), 0);
    expect(twins.pair(reordered, 60_001)).toBeNull();
  });
});
