/**
 * `quant-lab presets [--json]`: lists the lessons (id, title, claim, shipped seed, the runs the claim
 * compares against). Run one with `quant-lab run --preset ID [--seed N]`.
 */
import { PRESET_GROUPS, PRESETS } from '../experiment/presets';
import { commandHelp, type CommandSpec, parseCommand, usageError } from './args';

/** `quant-lab presets`: one flag. */
export const PRESETS_SPEC: CommandSpec = {
  name: 'presets',
  summary: 'list the lessons and their claims',
  usage: ['presets [--json]'],
  positionals: { name: 'argument', max: 0 },
  groups: [
    {
      heading: 'Flags',
      flags: [
        {
          name: 'json',
          kind: 'bool',
          help: 'one JSON array: [{id, group, title, claim: {text, predicate, condition}, seed, runs, ladder?}]',
        },
      ],
    },
  ],
  footer: "Run a lesson with 'quant-lab run --preset ID [--seed N] [--out F]'.",
};

export const HELP = commandHelp(PRESETS_SPEC);

/** One lesson as the listing shows it. */
export function lessonListing() {
  return PRESETS.map((p) => ({
    id: p.id,
    group: p.group,
    title: p.title,
    claim: { text: p.claim.text, predicate: p.claim.predicate, condition: p.claim.condition },
    seed: p.experiment.seed,
    runs: ['self', ...Object.keys(p.claim.compare ?? {})],
    ...(p.claim.ladder && { ladder: p.claim.ladder }),
  }));
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCommand(PRESETS_SPEC, argv);
  if (!args.ok) return usageError(PRESETS_SPEC, args.error);
  const lessons = lessonListing();
  if (args.value.values.get('json')) {
    console.log(JSON.stringify(lessons, null, 2));
    return 0;
  }
  for (const [group, heading] of Object.entries(PRESET_GROUPS)) {
    console.log(`\n${heading}`);
    for (const l of lessons.filter((x) => x.group === group)) {
      console.log(
        `  ${l.id}  (seed ${l.seed}; runs: ${l.runs.join(', ')}${l.ladder ? '; then a post-training ladder' : ''})\n    ${l.title}\n    claim: ${l.claim.text}\n    check: ${l.claim.predicate}`,
      );
    }
  }
  return 0;
}
