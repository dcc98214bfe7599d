/**
 * What happened to each conversation over time, as the ground truth saw it: every real change of
 * state, assignment (routing) and inbox, and every time an operator opened or closed it.
 *
 * REST only shows the latest state, so a mirror that derives resolution times or reopen counts
 * from events can only be checked against a record like this one. It is keyed by website and
 * session and outlives the conversation: a removed conversation's history stays readable.
 * Only live mutations write here; generated conversations start with no history.
 */
import type { ConversationState, EventsOperator } from 'crisp-api';

/** One change from `from` to `to` at `at` (ms, the conversation's updated_at after it). */
export interface HistoryChange<T> {
  from: T;
  to: T;
  at: number;
}

/** `from` is null only when the state before was unknown; live conversations always know it. */
export type StateChange = HistoryChange<ConversationState | null> & { to: ConversationState };
/** Routing / assignment: operator user ids, null = unassigned. */
export type AssignmentChange = HistoryChange<string | null>;
/** Inbox ids, null = no inbox. */
export type InboxChange = HistoryChange<string | null>;

export interface OpenStateRecord {
  kind: 'opened' | 'closed';
  operator: EventsOperator;
  at: number;
}

/** Derived from the state history: a resolution is a change into 'resolved' from another state. */
export interface ResolutionSummary {
  first_resolved_at: number | null;
  last_resolved_at: number | null;
  /** Changes out of 'resolved' into another state. */
  reopen_count: number;
}

interface HistoryEntry {
  states: StateChange[];
  assignments: AssignmentChange[];
  inboxes: InboxChange[];
  openStates: OpenStateRecord[];
}

export class ConversationHistory {
  private readonly entries = new Map<string, HistoryEntry>();

  /** Records a state change; returns false (nothing recorded) when the state did not change. */
  recordState(
    websiteId: string,
    sessionId: string,
    from: ConversationState | null,
    to: ConversationState,
    at: number,
  ): boolean {
    return pushChange(this.entry(websiteId, sessionId).states, { from, to, at });
  }

  recordAssignment(
    websiteId: string,
    sessionId: string,
    from: string | null,
    to: string | null,
    at: number,
  ): boolean {
    return pushChange(this.entry(websiteId, sessionId).assignments, { from, to, at });
  }

  recordInbox(
    websiteId: string,
    sessionId: string,
    from: string | null,
    to: string | null,
    at: number,
  ): boolean {
    return pushChange(this.entry(websiteId, sessionId).inboxes, { from, to, at });
  }

  recordOpenState(websiteId: string, sessionId: string, record: OpenStateRecord): void {
    this.entry(websiteId, sessionId).openStates.push({
      ...record,
      operator: { ...record.operator },
    });
  }

  stateHistory(websiteId: string, sessionId: string): StateChange[] {
    return copies(this.entries.get(key(websiteId, sessionId))?.states);
  }

  assignmentHistory(websiteId: string, sessionId: string): AssignmentChange[] {
    return copies(this.entries.get(key(websiteId, sessionId))?.assignments);
  }

  inboxHistory(websiteId: string, sessionId: string): InboxChange[] {
    return copies(this.entries.get(key(websiteId, sessionId))?.inboxes);
  }

  openStateHistory(websiteId: string, sessionId: string): OpenStateRecord[] {
    return (this.entries.get(key(websiteId, sessionId))?.openStates ?? []).map((r) => ({
      ...r,
      operator: { ...r.operator },
    }));
  }

  /** Operators who opened the conversation and have not closed it since, in opening order. */
  openedBy(websiteId: string, sessionId: string): string[] {
    const open = new Set<string>();
    for (const record of this.entries.get(key(websiteId, sessionId))?.openStates ?? []) {
      if (record.kind === 'opened') open.add(record.operator.user_id);
      else open.delete(record.operator.user_id);
    }
    return [...open];
  }

  resolutionOf(websiteId: string, sessionId: string): ResolutionSummary {
    const summary: ResolutionSummary = {
      first_resolved_at: null,
      last_resolved_at: null,
      reopen_count: 0,
    };
    for (const change of this.entries.get(key(websiteId, sessionId))?.states ?? []) {
      if (change.to === 'resolved') {
        summary.first_resolved_at ??= change.at;
        summary.last_resolved_at = change.at;
      } else if (change.from === 'resolved') {
        summary.reopen_count++;
      }
    }
    return summary;
  }

  private entry(websiteId: string, sessionId: string): HistoryEntry {
    const id = key(websiteId, sessionId);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { states: [], assignments: [], inboxes: [], openStates: [] };
      this.entries.set(id, entry);
    }
    return entry;
  }
}

function key(websiteId: string, sessionId: string): string {
  return `${websiteId}/${sessionId}`;
}

function copies<T extends object>(list: readonly T[] | undefined): T[] {
  return (list ?? []).map((item) => ({ ...item }));
}

/** Appends a real change (from differs from to); answers whether one was recorded. */
function pushChange<T>(list: HistoryChange<T>[], change: HistoryChange<T>): boolean {
  if (change.from === change.to) return false;
  list.push(change);
  return true;
}
