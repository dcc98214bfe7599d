import type { MirrorChange } from '../realtime/mirror-change';
import { DirectoryHints } from './directory-hints';

const inboxNamed = (website_id: string, inbox_id: string): MirrorChange => ({
  kind: 'conversation-patch',
  patch: {
    website_id,
    session_id: 's',
    sync_source: 'rtm',
    observed_at: new Date(0).toISOString(),
    columns: { inbox_id },
  },
});

const availabilityOf = (website_id: string, user_id: string): MirrorChange => ({
  kind: 'operator-availability',
  availability: {
    website_id,
    user_id,
    status: 'online',
    started_at: new Date(0).toISOString(),
    source: 'event',
    door: 'rtm',
  },
});

describe('DirectoryHints', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gathers a website’s hints into one refresh, once per unknown id', () => {
    const refresh = jest.fn();
    const hints = new DirectoryHints(1_000, refresh);
    hints.know('w', 'inboxes', ['known']);
    hints.know('w', 'operators', ['u1']);
    hints.observe([inboxNamed('w', 'known'), availabilityOf('w', 'u1')]);
    hints.observe([inboxNamed('w', 'new'), availabilityOf('w', 'u2'), inboxNamed('w', 'new')]);
    // A website never listed is not judged: its start refresh is on its way.
    hints.observe([inboxNamed('other', 'new')]);
    jest.advanceTimersByTime(999);
    expect(refresh).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(refresh.mock.calls).toEqual([['w', ['inboxes', 'operators']]]);
    // Still not listed after that refresh (deleted in Crisp?): not hinted again for an hour.
    hints.observe([inboxNamed('w', 'new')]);
    jest.advanceTimersByTime(2_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(3_600_000);
    hints.observe([inboxNamed('w', 'new')]);
    jest.advanceTimersByTime(1_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    hints.stop();
  });
});
