import { CrispSimulator } from '../../tools/crisp-simulator';
import { buildBenchTruth } from './bench-truth';

/**
 * The benchmark's Crisp, in a process of its own: like the real Crisp, its CPU is not the
 * service's. Driven over IPC by run-backfill-bench.
 */
export type SimulatorCommand =
  | { type: 'latency'; ms: number }
  | { type: 'resetCounters' }
  | { type: 'count' }
  | { type: 'stop' };

async function main() {
  const { truth } = buildBenchTruth(Number(process.argv[2]));
  const simulator = new CrispSimulator({
    seed: 5,
    truth,
    keepAliveTimeoutMs: 60_000,
    rest: { messageBatchSize: Number(process.argv[3] ?? 40) },
  });
  const { restUrl } = await simulator.start();
  process.on('message', (command: SimulatorCommand) => {
    if (command.type === 'latency') simulator.faults.setLatency(command.ms);
    if (command.type === 'resetCounters') simulator.faults.resetCounters();
    if (command.type === 'stop') void simulator.stop().then(() => process.exit(0));
    process.send?.({ type: 'ok', count: simulator.faults.count() });
  });
  process.send?.({ type: 'ready', restUrl });
}

void main();
