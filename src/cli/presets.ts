/**
 * `quant-lab presets [--json]`: lists the lessons (id, title, claim, shipped seed, the runs the claim
 * compares against). Run one with `quant-lab run --preset ID [--seed N]`.
 */
import { PRESET_GROUPS, PRESETS } from '../experiment/presets';

export const HELP = `quant-lab presets — list the lessons and their claims

Usage: quant-lab presets [--json]

  --json    one JSON array: [{id, group, title, claim: {text, predicate, condition}, seed, runs}]
  --help    this text

Run a lesson with 'quant-lab run --preset ID [--seed N] [--out F]'.`;

/** One lesson as the listing shows it. */
export function lessonListing() {
  return PRESETS.map((p) => ({
    id: p.id,
    group: p.group,
    title: p.title,
    claim: { text: p.claim.text, predicate: p.claim.predicate, condition: p.claim.condition },
    seed: p.experiment.seed,
    runs: ['self', ...Object.keys(p.claim.compare ?? {})],
  }));
}

export async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length) {
    console.error(`quant-lab presets: unknown argument '${unknown[0]}'\n\n${HELP}`);
    return 2;
  }
  const lessons = lessonListing();
  if (argv.includes('--json')) {
    console.log(JSON.stringify(lessons, null, 2));
    return 0;
  }
  for (const [group, heading] of Object.entries(PRESET_GROUPS)) {
    console.log(`\n${heading}`);
    for (const l of lessons.filter((x) => x.group === group)) {
      console.log(`  ${l.id}  (seed ${l.seed}; runs: ${l.runs.join(', ')})\n    ${l.title}\n    claim: ${l.claim.text}\n    check: ${l.claim.predicate}`);
    }
  }
  return 0;
}
