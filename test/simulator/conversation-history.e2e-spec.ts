/**
 * The ground truth's record of what happened over time: state changes and the resolution summary
 * derived from them, assignment and inbox changes, ratings, and operators opening and closing a
 * conversation — exact for a scripted sequence on a pinned clock, and kept after a removal.
 */
import { generateGroundTruth, type GroundTruth, type SimEvent } from '../../tools/crisp-simulator';

describe('ground truth history', () => {
  let clock: number;
  let truth: GroundTruth;
  let websiteId: string;

  /** Moves the pinned clock on by `ms` and returns the new time. */
  const tick = (ms = 1000): number => (clock += ms);

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
    truth = generateGroundTruth({ seed: 31, conversationsPerWebsite: 5, now: () => clock });
    websiteId = truth.websiteIds()[0];
  });

  it('records every real state change with its time and derives resolutions and reopens', () => {
    const { session_id: sessionId } = truth.newConversation(websiteId);
    expect(truth.getRecord(websiteId, sessionId)!.state).toBe('pending');
    // A conversation's initial state is not a change.
    expect(truth.stateHistory(websiteId, sessionId)).toEqual([]);

    const times: number[] = [];
    const events: SimEvent[] = [];
    for (const state of ['unresolved', 'resolved', 'unresolved', 'resolved'] as const) {
      times.push(tick());
      events.push(...truth.setState(websiteId, sessionId, state).events);
    }
    // The same state again: still an event (as Crisp may send), but no change.
    tick();
    const repeat = truth.setState(websiteId, sessionId, 'resolved');
    expect(repeat.events.map((e) => e.event)).toEqual(['session:set_state']);

    expect(truth.stateHistory(websiteId, sessionId)).toEqual([
      { from: 'pending', to: 'unresolved', at: times[0] },
      { from: 'unresolved', to: 'resolved', at: times[1] },
      { from: 'resolved', to: 'unresolved', at: times[2] },
      { from: 'unresolved', to: 'resolved', at: times[3] },
    ]);
    expect(events.map((e) => e.at)).toEqual(times);
    expect(truth.resolutionOf(websiteId, sessionId)).toEqual({
      first_resolved_at: times[1],
      last_resolved_at: times[3],
      reopen_count: 1,
    });

    // Removal keeps the history readable.
    tick();
    truth.removeConversation(websiteId, sessionId);
    expect(truth.getRecord(websiteId, sessionId)).toBeUndefined();
    expect(truth.stateHistory(websiteId, sessionId)).toHaveLength(4);
    expect(truth.resolutionOf(websiteId, sessionId).reopen_count).toBe(1);
  });

  it('counts a reopen to pending too, and knows nothing of conversations never changed live', () => {
    const { session_id: sessionId } = truth.newConversation(websiteId, { state: 'resolved' });
    expect(truth.resolutionOf(websiteId, sessionId)).toEqual({
      first_resolved_at: null,
      last_resolved_at: null,
      reopen_count: 0,
    });
    const reopened = tick();
    truth.setState(websiteId, sessionId, 'pending');
    expect(truth.resolutionOf(websiteId, sessionId)).toEqual({
      first_resolved_at: null,
      last_resolved_at: null,
      reopen_count: 1,
    });
    expect(truth.stateHistory(websiteId, sessionId)).toEqual([
      { from: 'resolved', to: 'pending', at: reopened },
    ]);
    expect(truth.stateHistory(websiteId, 'session_unknown')).toEqual([]);
  });

  it('keeps routing and inbox changes with the previous ids the events carry', () => {
    const sessionId = truth.queryConversations(websiteId)[0].session_id;
    const record = truth.getRecord(websiteId, sessionId)!;
    const [first, second] = truth.getWebsite(websiteId)!.operators;
    const assignedBefore = record.assigned_user_id;
    const events: SimEvent[] = [];
    const at: number[] = [];
    for (const routing of [first.user_id, second.user_id, second.user_id, null]) {
      at.push(tick());
      events.push(...truth.setRouting(websiteId, sessionId, routing).events);
    }
    const routingEvents = events.flatMap((e) => (e.event === 'session:set_routing' ? [e] : []));
    expect(routingEvents.map((e) => [e.data.previous_routing_id, e.data.routing_id])).toEqual([
      [assignedBefore, first.user_id],
      [first.user_id, second.user_id],
      [second.user_id, second.user_id],
      [second.user_id, null],
    ]);
    // The repeated assignment is an event, not a change.
    expect(truth.assignmentHistory(websiteId, sessionId)).toEqual([
      ...(assignedBefore === first.user_id
        ? []
        : [{ from: assignedBefore, to: first.user_id, at: at[0] }]),
      { from: first.user_id, to: second.user_id, at: at[1] },
      { from: second.user_id, to: null, at: at[3] },
    ]);
    expect(truth.getConversation(websiteId, sessionId)!.assigned).toBeUndefined();

    const inboxBefore = record.inbox_id;
    const movedAt = tick();
    const moved = truth.setInbox(websiteId, sessionId, 'inbox-sales');
    expect(moved.events[0]).toEqual({
      event: 'session:set_inbox',
      data: {
        website_id: websiteId,
        session_id: sessionId,
        inbox_id: 'inbox-sales',
        previous_inbox_id: inboxBefore,
      },
      at: movedAt,
    });
    expect(truth.inboxHistory(websiteId, sessionId)).toEqual([
      { from: inboxBefore, to: 'inbox-sales', at: movedAt },
    ]);
  });

  it('keeps every rating with its time and the latest per conversation', () => {
    const sessionId = truth.queryConversations(websiteId)[0].session_id;
    const base = { website_id: websiteId, session_id: sessionId, inbox_id: null };
    truth.setInbox(websiteId, sessionId, null);
    const firstAt = tick();
    const first = truth.setRating(websiteId, sessionId, 2);
    expect(first.events).toEqual([
      { event: 'session:sync:rating', data: { ...base, rating: { stars: 2 } }, at: firstAt },
    ]);
    expect(Object.keys((first.events[0].data as { rating: object }).rating)).toEqual(['stars']);
    const secondAt = tick();
    const second = truth.setRating(websiteId, sessionId, 5, 'Quick and kind');
    expect(second.events[0]).toEqual({
      event: 'session:sync:rating',
      data: { ...base, rating: { stars: 5, comment: 'Quick and kind' } },
      at: secondAt,
    });
    expect(truth.ratingOf(websiteId, sessionId)).toEqual({
      website_id: websiteId,
      session_id: sessionId,
      stars: 5,
      comment: 'Quick and kind',
      at: secondAt,
    });
    expect(truth.ratings.ratingsOf(websiteId, sessionId).map((r) => [r.stars, r.at])).toEqual([
      [2, firstAt],
      [5, secondAt],
    ]);
    expect(truth.getRecord(websiteId, sessionId)!.updated_at).toBe(secondAt);
    expect(() => truth.setRating(websiteId, sessionId, 6)).toThrow(/1 to 5/);
    expect(() => truth.setRating(websiteId, sessionId, 2.5)).toThrow(/1 to 5/);
    truth.removeConversation(websiteId, sessionId);
    expect(truth.ratingOf(websiteId, sessionId)?.stars).toBe(5);
  });

  it('records operators opening and closing a conversation', () => {
    const sessionId = truth.queryConversations(websiteId)[0].session_id;
    const [operator, other] = truth.getWebsite(websiteId)!.operators;
    const openedAt = tick();
    const opened = truth.setOpened(websiteId, sessionId, operator);
    expect(opened.events).toEqual([
      {
        event: 'session:set_opened',
        data: {
          website_id: websiteId,
          session_id: sessionId,
          inbox_id: truth.getRecord(websiteId, sessionId)!.inbox_id,
          operator: { user_id: operator.user_id, nickname: operator.nickname },
        },
        at: openedAt,
      },
    ]);
    tick();
    truth.setOpened(websiteId, sessionId, { user_id: other.user_id, avatar: null });
    const closedAt = tick();
    const closed = truth.setClosed(websiteId, sessionId, { user_id: operator.user_id });
    expect(closed.events[0]).toMatchObject({
      event: 'session:set_closed',
      data: { operator: { user_id: operator.user_id } },
      at: closedAt,
    });
    expect(truth.history.openedBy(websiteId, sessionId)).toEqual([other.user_id]);
    expect(truth.history.openStateHistory(websiteId, sessionId)).toEqual([
      {
        kind: 'opened',
        operator: { user_id: operator.user_id, nickname: operator.nickname },
        at: openedAt,
      },
      { kind: 'opened', operator: { user_id: other.user_id, avatar: null }, at: openedAt + 1000 },
      { kind: 'closed', operator: { user_id: operator.user_id }, at: closedAt },
    ]);
  });
});
