import type { BackfillJob } from './backfill-job.entity';
import type { MessageProgress } from './backfill-jobs.repository';

/** What `GET /crisp/backfill/:jobId` answers: where the job is, and an estimate of what is left. */
export interface BackfillStatus {
  id: string;
  websiteId: string;
  status: BackfillJob['status'];
  phase: BackfillJob['phase'];
  progress: {
    listPagesRead: number;
    conversationsListed: number;
    conversationsSkipped: number;
    conversationsDone: number;
    conversationsLeft: number;
    messagesStored: number;
    requestsSpent: number;
    estimatedRequestsLeft: number | null;
    estimatedSecondsLeft: number | null;
  };
  error: string | null;
  errorKind: BackfillJob['errorKind'];
  resumeAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * While listing, the total is unknown (Crisp gives no count), so no estimate. Then each left
 * conversation costs what the done ones cost on average (at least one request), at the rate
 * the job has been spending requests so far.
 */
export function describeBackfill(
  job: BackfillJob,
  messages: MessageProgress,
  now = new Date(),
): BackfillStatus {
  const listPagesRead = job.nextListPage - 1;
  const { conversationsDone, messagesStored, messageRequests } = messages;
  const requestsSpent = job.listRequests + messageRequests;
  const left = job.conversationsListed - conversationsDone;
  const perConversation =
    conversationsDone > 0 ? Math.max(1, messageRequests / conversationsDone) : 1;
  const estimatedRequestsLeft = job.phase === 'listing' ? null : Math.ceil(left * perConversation);
  const elapsedSeconds = job.startedAt ? (now.getTime() - job.startedAt.getTime()) / 1000 : 0;
  const rate = elapsedSeconds > 0 ? requestsSpent / elapsedSeconds : 0;
  const running = job.status === 'running' || job.status === 'queued';
  const estimatedSecondsLeft =
    estimatedRequestsLeft === null || rate === 0 || !running
      ? null
      : Math.ceil(estimatedRequestsLeft / rate);
  return {
    id: job.id,
    websiteId: job.websiteId,
    status: job.status,
    phase: job.phase,
    progress: {
      listPagesRead,
      conversationsListed: job.conversationsListed,
      conversationsSkipped: job.conversationsSkipped,
      conversationsDone,
      conversationsLeft: left,
      messagesStored,
      requestsSpent,
      estimatedRequestsLeft: job.status === 'completed' ? 0 : estimatedRequestsLeft,
      estimatedSecondsLeft: job.status === 'completed' ? 0 : estimatedSecondsLeft,
    },
    error: job.error,
    errorKind: job.errorKind,
    resumeAt: job.resumeAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
