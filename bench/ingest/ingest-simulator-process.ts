import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import {
  BENCH_WEBSITE_ID,
  benchContent,
  type SimulatorCommand,
  type SimulatorReply,
} from './ingest-protocol';

/**
 * The ingest benchmark's Crisp, in a process of its own so that producing events does not eat
 * the service's CPU (as with the real Crisp). Driven over IPC by run-ingest-bench:
 *
 *   node ingest-simulator-process.js <conversations>
 */

/** Events emitted between two yields in the unthrottled mode, so socket.io gets to write. */
const EMITS_PER_TURN = 100;

function send(reply: SimulatorReply, then?: () => void) {
  // The callback runs once the message is handed to the channel: exiting before it loses it.
  process.send?.(reply, undefined, undefined, () => then?.());
}

/**
 * 200 (by default) conversations of 3 messages each, last touched 2–3 h ago: old enough to be
 * "before the service ran", recent enough for the first catch-up (lookback set by the runner)
 * to store them, so no event of the run finds its conversation missing (which would cost a
 * metadata REST call and measure something else).
 */
function buildTruth(conversations: number) {
  const truth = new GroundTruth({ seed: 11 });
  truth.addWebsite({ websiteId: BENCH_WEBSITE_ID });
  const start = Date.now() - 3 * 3_600_000;
  const sessionIds: string[] = [];
  for (let i = 0; i < conversations; i += 1) {
    const record = truth.addSyntheticConversation(BENCH_WEBSITE_ID, {
      messageCount: 3,
      createdAt: start + i * 1_000,
      rng: truth.rng,
    });
    sessionIds.push(record.session_id);
  }
  return { truth, sessionIds };
}

async function main() {
  const { truth, sessionIds } = buildTruth(Number(process.argv[2] ?? 200));
  const simulator = new CrispSimulator({ seed: 11, truth });
  const { restUrl } = await simulator.start();

  /** One message event; round-robin over conversations, visitor and operator turns alternating. */
  const emitOne = (tag: string, index: number) => {
    const sessionId = sessionIds[index % sessionIds.length];
    const from = Math.floor(index / sessionIds.length) % 2 === 0 ? 'user' : 'operator';
    const content = benchContent(tag, Date.now(), index);
    simulator.mutate((t) => t.addMessage(BENCH_WEBSITE_ID, sessionId, { from, content }));
  };

  const emit = async (command: Extract<SimulatorCommand, { type: 'emit' }>) => {
    const { tag, count, rate, maxMs } = command;
    const firstEmitAt = Date.now();
    const started = performance.now();
    let sent = 0;
    if (rate > 0) {
      // Paced by the clock, not by sleeps: a late timer is made up for on the next tick, so the
      // average rate holds whatever the timer granularity on a busy machine.
      while (sent < count) {
        const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
        while (sent < due) emitOne(tag, sent++);
        if (sent < count) await sleep(1);
      }
    } else {
      while (sent < count && performance.now() - started < maxMs) {
        const end = Math.min(count, sent + EMITS_PER_TURN);
        while (sent < end) emitOne(tag, sent++);
        await nextTurn();
      }
    }
    send({
      type: 'emitted',
      emitted: sent,
      firstEmitAt,
      lastEmitAt: Date.now(),
      restCalls: simulator.faults.count(),
    });
  };

  process.on('message', (command: SimulatorCommand) => {
    if (command.type === 'emit') void emit(command);
    if (command.type === 'restCalls') {
      send({ type: 'restCalls', restCalls: simulator.faults.count() });
    }
    if (command.type === 'stop') {
      void simulator.stop().then(() => send({ type: 'stopped' }, () => process.exit(0)));
    }
  });
  // If the runner dies (a crash, Ctrl-C), nobody will say stop: leave with it, not as an orphan.
  process.on('disconnect', () => void simulator.stop().then(() => process.exit(0)));
  send({ type: 'ready', restUrl, sessionIds });
}

void main();
