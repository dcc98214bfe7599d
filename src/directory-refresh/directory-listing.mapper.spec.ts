import fc from 'fast-check';
import { readAvailabilities, readInboxes, readOperators } from './directory-listing.mapper';

const SECRET = 'sim-secret-never-stored';

describe('the directory listings, read field by field', () => {
  it('reads an operator entry, deriving its display name, and never its token', () => {
    const { rows, skipped } = readOperators('w', [
      {
        type: 'operator',
        details: {
          user_id: 'u1',
          email: 'ada@example.test',
          first_name: 'Ada',
          last_name: 'Lovelace',
          role: 'owner',
          title: '',
          avatar: 'https://a.test/u1.png',
          availability: 'away',
          has_token: true,
          identifier: SECRET,
          key: SECRET,
        },
      },
      { type: 'operator', details: { userID: 'u2', email: 'bob@example.test', hasToken: false } },
      { type: 'operator', details: { email: 'no-id@example.test' } },
      'not an entry',
    ]);
    expect(rows).toEqual([
      {
        website_id: 'w',
        user_id: 'u1',
        email: 'ada@example.test',
        first_name: 'Ada',
        last_name: 'Lovelace',
        display_name: 'Ada Lovelace',
        role: 'owner',
        title: null,
        avatar: 'https://a.test/u1.png',
        availability: 'away',
        has_token: true,
      },
      {
        website_id: 'w',
        user_id: 'u2',
        email: 'bob@example.test',
        first_name: null,
        last_name: null,
        display_name: 'bob@example.test',
        role: null,
        title: null,
        avatar: null,
        availability: null,
        has_token: false,
      },
    ]);
    expect(skipped).toBe(2);
  });

  it('never lets a token through, whatever else an entry holds (property-based)', () => {
    const json = fc.jsonValue({ maxDepth: 2 });
    const details = fc
      .dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 8 })
      .map((extra) => ({ ...extra, user_id: 'u', identifier: SECRET, key: SECRET }));
    fc.assert(
      fc.property(fc.array(details, { maxLength: 3 }), (entries) => {
        const read = readOperators(
          'w',
          entries.map((d) => ({ details: d })),
        );
        return !JSON.stringify(read).includes(SECRET);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads inboxes, keeping only what each field may hold', () => {
    const { rows, skipped } = readInboxes('w', [
      {
        inbox_id: 'i1',
        name: 'Sales',
        emoji: '💰',
        order: 2,
        operators: ['u1', 7],
        conditions: [{ model: 'session', criterion: 'segment', operator: 'eq', query: ['x'] }, 3],
        created_at: 1_767_225_600_000,
        updated_at: 'yesterday',
      },
      { name: 'no id' },
    ]);
    expect(rows).toEqual([
      {
        website_id: 'w',
        inbox_id: 'i1',
        name: 'Sales',
        emoji: '💰',
        sort_order: 2,
        operators: ['u1'],
        conditions: [{ model: 'session', criterion: 'segment', operator: 'eq', query: ['x'] }],
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: null,
      },
    ]);
    expect(skipped).toBe(1);
    expect(readInboxes('w', [])).toEqual({ rows: [], skipped: 0 });
  });

  it('dates a snapshot entry at its since, unless missing or in the future', () => {
    const readAt = new Date('2026-01-01T12:00:00.000Z');
    const since = Date.parse('2026-01-01T11:00:00.000Z');
    const { rows, skipped } = readAvailabilities(
      'w',
      [
        { user_id: 'u1', type: 'online', time: { for: 300, since } },
        { user_id: 'u2', type: 'away', time: { since: readAt.getTime() + 60_000 } },
        { user_id: 'u3', type: 'offline' },
        { user_id: 'u4', type: 'busy', time: { since } },
      ],
      readAt,
    );
    expect(rows.map((r) => [r.user_id, r.status, r.started_at])).toEqual([
      ['u1', 'online', '2026-01-01T11:00:00.000Z'],
      ['u2', 'away', '2026-01-01T12:00:00.000Z'],
      ['u3', 'offline', '2026-01-01T12:00:00.000Z'],
    ]);
    expect(rows.every((r) => r.source === 'snapshot' && r.door === 'rest')).toBe(true);
    expect(skipped).toBe(1);
  });
});
