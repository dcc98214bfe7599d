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

  it('pairs like copies in the order Crisp made them when Web Hooks arrive out of order (a retry)', () => {
    const twins = new TwinEvents();
    expect(twins.pair(event('webhook', 20_000), 0)).toBeNull();
    expect(twins.pair(event('webhook', 0), 0)).toBeNull();
    expect(twins.pair(event('rtm', 40), 0)).toEqual(new Date(0));
    expect(twins.pair(event('rtm', 20_040), 0)).toEqual(new Date(20_000));
  });

  it('pairs a Web Hook with the RTM copy that arrived first after its time, not one long before', () => {
    const twins = new TwinEvents();
    expect(twins.pair(event('rtm', 10), 0)).toBeNull();
    expect(twins.pair(event('rtm', 20_040), 0)).toBeNull();
    expect(twins.pair(event('webhook', 20_000), 0)).toEqual(new Date(20_040));
    expect(twins.pair(event('webhook', 0), 0)).toEqual(new Date(10));
    // Within the clocks' skew, an RTM copy may seem to arrive before its Web Hook's time.
    expect(twins.pair(event('rtm', 30_000), 0)).toBeNull();
    expect(twins.pair(event('webhook', 31_000), 0)).toEqual(new Date(30_000));
    expect(twins.pair(event('rtm', 40_000), 0)).toBeNull();
    expect(twins.pair(event('webhook', 50_000), 0)).toBeNull();
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
