import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';

/**
 * A started simulator whose truth holds one website of `count` conversations, created a second
 * apart from `agoMs` back (an hour by default), with `messagesOf(i)` messages each.
 */
export async function startSimulatedWebsite(
  seed: number,
  count: number,
  messagesOf: (index: number) => number,
  agoMs = 3_600_000,
) {
  const truth = new GroundTruth({ seed });
  const websiteId = truth.addWebsite().website_id;
  for (let i = 0; i < count; i += 1) {
    truth.addSyntheticConversation(websiteId, {
      messageCount: messagesOf(i),
      createdAt: Date.now() - agoMs + i * 1000,
      rng: truth.rng,
    });
  }
  const simulator = new CrispSimulator({ seed, truth });
  await simulator.start();
  return { truth, websiteId, simulator };
}
