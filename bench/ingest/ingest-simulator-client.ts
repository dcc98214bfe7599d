import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { SimulatorCommand, SimulatorReply } from './ingest-protocol';

type ReplyOf<T extends SimulatorReply['type']> = Extract<SimulatorReply, { type: T }>;

export interface IngestSimulator {
  restUrl: string;
  sessionIds: string[];
  /** Resolves when the child has emitted them all (or its time ran out). */
  emit(
    command: Omit<Extract<SimulatorCommand, { type: 'emit' }>, 'type'>,
  ): Promise<ReplyOf<'emitted'>>;
  restCalls(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts ingest-simulator-process in a child process and drives it. Replies are matched by type,
 * not by order: the service keeps running while the child emits, and nothing else is asked then.
 */
export async function startIngestSimulator(conversations: number): Promise<IngestSimulator> {
  const child = fork(join(__dirname, 'ingest-simulator-process.js'), [String(conversations)]);
  const waiters = new Map<SimulatorReply['type'], (reply: SimulatorReply) => void>();
  let stopping = false;
  child.on('message', (reply: SimulatorReply) => {
    const waiter = waiters.get(reply.type);
    waiters.delete(reply.type);
    waiter?.(reply);
  });
  // A simulator that dies mid-run would leave the bench waiting for ever: fail loudly instead.
  child.on('exit', (code) => {
    if (stopping) return;
    console.error(`simulator process exited unexpectedly (code ${code})`);
    process.exit(1);
  });
  const next = <T extends SimulatorReply['type']>(type: T) =>
    new Promise<ReplyOf<T>>((resolve) =>
      waiters.set(type, (reply) => resolve(reply as ReplyOf<T>)),
    );
  const ask = <T extends SimulatorReply['type']>(command: SimulatorCommand, type: T) => {
    const reply = next(type);
    child.send(command);
    return reply;
  };

  const ready = await next('ready');
  return {
    restUrl: ready.restUrl,
    sessionIds: ready.sessionIds,
    emit: (command) => ask({ type: 'emit', ...command }, 'emitted'),
    restCalls: async () => (await ask({ type: 'restCalls' }, 'restCalls')).restCalls,
    stop: async () => {
      stopping = true;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
