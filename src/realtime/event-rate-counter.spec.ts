import { EventRateCounter } from './event-rate-counter';

describe('EventRateCounter', () => {
  let now: number;
  let counter: EventRateCounter;

  beforeEach(() => {
    now = 1_700_000_000_000;
    counter = new EventRateCounter(() => now);
  });

  it('counts the events of the last 60 seconds', () => {
    counter.record();
    now += 10_000;
    counter.record(3);
    now += 49_000;
    expect(counter.lastMinute()).toBe(4);
  });

  it('forgets events older than 60 seconds', () => {
    counter.record(5);
    now += 30_000;
    counter.record(2);
    now += 30_000;
    expect(counter.lastMinute()).toBe(2);
    now += 30_000;
    expect(counter.lastMinute()).toBe(0);
  });

  it('reuses a slot a minute later without keeping its old count', () => {
    counter.record(7);
    now += 60_000;
    counter.record(1);
    expect(counter.lastMinute()).toBe(1);
  });
});
