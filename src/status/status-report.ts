import type { BackfillStatus } from '../backfill/backfill-status';
import type { RtmState } from '../realtime/rtm-listener.service';

/** What `GET /status` answers: one snapshot of every moving part, for the status page. */
export interface StatusReport {
  generatedAt: string;
  instance: {
    startedAt: string;
    version: string;
    /** Whether this instance holds RTM; null when RTM is off here. */
    leader: boolean | null;
  };
  rtm: { state: RtmState; connectedAt: string | null; lastEventAt: string | null };
  reconciler: { websites: { websiteId: string; watermark: string; ageSeconds: number }[] };
  events: { perMinute: number; totalByType: Record<string, number> };
  quota: {
    day: string;
    usedToday: number;
    dailyBudget: number;
    left: number;
    /** Crisp calls this instance made since it started (each retry counts). */
    callsThisInstance: number;
  };
  backfill: { jobs: BackfillJobSummary[] };
  /** Each entity beside conversations and messages: its last event and REST refresh here. */
  freshness: { entity: string; lastEventAt: string | null; lastRefreshAt: string | null }[];
}

export interface BackfillJobSummary {
  id: string;
  websiteId: string;
  state: BackfillStatus['status'];
  phase: BackfillStatus['phase'];
  conversationsDone: number;
  /** Conversations to read; while listing, only those listed so far (a lower bound). */
  conversationsTotal: number;
  totalKnown: boolean;
  messagesDone: number;
  requestsSpent: number;
  estimatedSecondsLeft: number | null;
  /** 0..1, or null while listing (Crisp gives no total, so there is nothing to divide by). */
  progress: number | null;
  error: string | null;
  resumeAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function summarizeBackfill(status: BackfillStatus): BackfillJobSummary {
  const { conversationsDone, conversationsListed, messagesStored, requestsSpent } = status.progress;
  return {
    id: status.id,
    websiteId: status.websiteId,
    state: status.status,
    phase: status.phase,
    conversationsDone,
    conversationsTotal: conversationsListed,
    totalKnown: status.phase !== 'listing',
    messagesDone: messagesStored,
    requestsSpent,
    estimatedSecondsLeft: status.progress.estimatedSecondsLeft,
    progress: progressOf(status),
    error: status.error,
    resumeAt: iso(status.resumeAt),
    createdAt: status.createdAt.toISOString(),
    finishedAt: iso(status.finishedAt),
  };
}

function progressOf(status: BackfillStatus): number | null {
  if (status.status === 'completed') return 1;
  if (status.phase === 'listing') return null;
  const { conversationsDone, conversationsListed } = status.progress;
  return conversationsListed === 0 ? 1 : Math.min(1, conversationsDone / conversationsListed);
}

export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
