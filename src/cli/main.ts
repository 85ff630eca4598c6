/**
 * `quant-lab`: the headless runner over the same core the browser worker uses.
 * Subcommands live one per file (run.ts, cost.ts, sweep.ts, merge.ts, presets.ts), each exporting
 * `HELP` (its --help text) and `main(argv)` returning the process exit code.
 */
type Command = { HELP: string; main(argv: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'train one experiment and write its result JSON', load: () => import('./run') },
  cost: {
    summary: 'print per-layer and total cost (MACs, ACE, ACEv2, BOPs, size)',
    load: () => import('./cost'),
  },
  sweep: {
    summary: 'run a bits × width × seed grid and write every point and the Pareto frontier',
    load: () => import('./sweep'),
  },
  ptq: {
    summary: 'quantize a trained checkpoint after training (CLE, bias correction, AdaRound, ZeroQ)',
    load: () => import('./ptq'),
  },
  hessian: {
    summary: "a checkpoint's Hessian: top eigenvalues, traces and density, per layer and model",
    load: () => import('./hessian'),
  },
  mixed: {
    summary: 'allocate per-layer bits under a BOPs, size or ACEv2 budget (HAWQ-V3 ILP)',
    load: () => import('./mixed'),
  },
  infer: {
    summary: 'run a checkpoint, and with --integer-only its integer-only model against fake quantization',
    load: () => import('./infer'),
  },
  export: {
    summary: 'write a checkpoint as ONNX (QDQ or float; --check runs it in onnxruntime) or as tfjs',
    load: () => import('./export'),
  },
  parity: {
    summary: 'float, fake-quant, integer-only and onnxruntime side by side per layer, worst first',
    load: () => import('./parity'),
  },
  prune: {
    summary: 'prune channels of a checkpoint (HAP or magnitude), then fine-tune',
    load: () => import('./prune'),
  },
  merge: {
    summary: 'combine result files (from --emit-jobs) into one sweep file',
    load: () => import('./merge'),
  },
  presets: {
    summary: 'list the lessons and their claims (run one with run --preset ID)',
    load: () => import('./presets'),
  },
};

export const USAGE = `quant-lab — headless runner for Quant Lab

Usage: quant-lab <command> [experiment.json] [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(7)} ${c.summary}`)
  .join('\n')}

Run 'quant-lab <command> --help' for the flags of a command.`;

/** Entry point: dispatches to a subcommand; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`quant-lab: unknown command '${name}'.\n\n${USAGE}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.HELP);
    return 0;
  }
  return command.main(rest);
}
