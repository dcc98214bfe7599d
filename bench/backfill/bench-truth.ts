import { GroundTruth } from '../../tools/crisp-simulator';

/** The benchmark's website: `conversations` conversations of 1–250 messages (skewed), seeded. */
export function buildBenchTruth(conversations: number): { truth: GroundTruth; websiteId: string } {
  const truth = new GroundTruth({ seed: 5 });
  const website = truth.addWebsite();
  for (let i = 0; i < conversations; i += 1) {
    truth.addSyntheticConversation(website.website_id, {
      messageCount: truth.rng.skewedInt(1, 250, 2),
      createdAt: Date.UTC(2025, 0, 1) + i * 60_000,
      rng: truth.rng,
    });
  }
  return { truth, websiteId: website.website_id };
}
