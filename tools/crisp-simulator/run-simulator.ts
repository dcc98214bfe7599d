/**
 * Demo / manual-testing entry point:
 *   node dist/tools/crisp-simulator/run-simulator.js --port 4100 --seed 1 --conversations 100 --rate 5
 * Starts a simulator with live traffic and prints where to point a Crisp client. The credentials are
 * fake, so printing them is harmless.
 */
import { CrispSimulator } from './crisp-simulator';
import { DEFAULT_CREDENTIAL } from './credential-store';

interface CliOptions {
  port: number;
  seed: number;
  websites: number;
  conversations: number;
  rate: number;
  active: number;
  webhookUrl: string | null;
  webhookSecret: string;
}

const USAGE = `Usage: run-simulator [--port 4100] [--seed 1] [--websites 1] [--conversations 100]
                     [--rate 5] [--active 20] [--webhook-url URL] [--webhook-secret SECRET]`;

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    port: 4100,
    seed: 1,
    websites: 1,
    conversations: 100,
    rate: 5,
    active: 20,
    webhookUrl: null,
    webhookSecret: 'sim-webhook-secret',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (value === undefined) {
      throw new Error(`Missing value for ${flag}\n${USAGE}`);
    }
    i++;
    switch (flag) {
      case '--port':
        options.port = toNumber(flag, value);
        break;
      case '--seed':
        options.seed = toNumber(flag, value);
        break;
      case '--websites':
        options.websites = toNumber(flag, value);
        break;
      case '--conversations':
        options.conversations = toNumber(flag, value);
        break;
      case '--rate':
        options.rate = toNumber(flag, value);
        break;
      case '--active':
        options.active = toNumber(flag, value);
        break;
      case '--webhook-url':
        options.webhookUrl = value;
        break;
      case '--webhook-secret':
        options.webhookSecret = value;
        break;
      default:
        throw new Error(`Unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}

function toNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new Error(`${flag} expects a number, got "${value}"`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sim = new CrispSimulator({
    seed: options.seed,
    generate: { websites: options.websites, conversationsPerWebsite: options.conversations },
    traffic: { rate: options.rate, conversations: options.active },
    webhook: options.webhookUrl
      ? { url: options.webhookUrl, secret: options.webhookSecret }
      : undefined,
  });
  const urls = await sim.start(options.port);
  sim.traffic.start();
  console.log(
    JSON.stringify(
      {
        restUrl: urls.restUrl,
        rtmUrl: urls.rtmUrl,
        credentials: { ...DEFAULT_CREDENTIAL },
        websiteIds: sim.truth.websiteIds(),
        conversations: sim.truth.conversationCount(),
        messages: sim.truth.messageCount(),
        trafficRatePerSecond: options.rate,
        webhook: options.webhookUrl,
        generatedInMs: Date.now() - started,
      },
      null,
      2,
    ),
  );
  const shutdown = (): void => {
    console.log('stopping simulator…');
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((cause: unknown) => {
  console.error(cause instanceof Error ? cause.message : cause);
  process.exit(1);
});
