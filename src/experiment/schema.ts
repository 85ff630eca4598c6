/**
 * The experiment: one plain JSON value that the UI edits, a link carries, the worker runs and the
 * headless runner reads. Everything else hangs off this schema (docs/architecture.md).
 *
 * Versioned: bump {@link SCHEMA_VERSION} on any breaking change and add a migration in `migrate.ts`.
 * Every field has a default, so `{}` parses to the default experiment and a partial file is completed.
 */
import { z } from 'zod';
import { MODEL_ARCH_NAMES, type ModelArch } from '../models/archs';
import { RANGE_ESTIMATOR_NAMES, type RangeEstimatorName } from '../quant/range/registry';

/** Current schema version. Links and files of older versions are migrated in `migrate.ts`. */
export const SCHEMA_VERSION = 1;

/** Bitwidths the lab offers; 32 means "float" (not quantized). */
export const BIT_CHOICES = [2, 3, 4, 5, 6, 7, 8, 32] as const;
export const FLOAT_BITS = 32;

export const bitsSchema = z
  .number()
  .int()
  .refine((b) => (b >= 2 && b <= 8) || b === FLOAT_BITS, { message: 'bits must be 2–8, or 32 for float' });

/**
 * Gradient estimators for round(), name → label in the UI's select. Names double as URL/CLI
 * vocabulary; each has its implementation in src/estimators/registry.ts. Here, not there, because
 * the schema and the main thread stay free of tfjs.
 */
export const ESTIMATOR_LABELS = {
  ste: 'STE',
  'clipped-ste': 'clipped STE',
  tanh: 'tanh soft-round',
  sigmoid: 'sigmoid soft-round',
  pwl: 'piecewise linear',
  cosine: 'cosine',
  ewgs: 'EWGS',
} as const;
export type EstimatorName = keyof typeof ESTIMATOR_LABELS;
export const ESTIMATOR_NAMES = Object.keys(ESTIMATOR_LABELS) as [EstimatorName, ...EstimatorName[]];

/**
 * Range estimators (docs/science.md §5, §6): minmax, ema, mse, percentile, hindsight, lsq, kl — the keys
 * of the registry in src/quant/range/registry.ts, in its order. `lsq` makes the scale a trained parameter.
 */
export const RANGE_ESTIMATORS = RANGE_ESTIMATOR_NAMES;
export type { RangeEstimatorName };

/** Model architectures: the keys of the table in src/models/archs.ts, in its order. */
export const MODEL_ARCHS = MODEL_ARCH_NAMES;
export type { ModelArch };
/**
 * How a signed symmetric grid meets its range (docs/conventions.md §1): `qmax` (the lab's) maps
 * max|x| to the top code, s = max|x|/qmax, on the full grid [−2^(b−1), 2^(b−1)−1], so a min-max
 * range uses 2^b − 1 codes and −2^(b−1) only when the range clips; `narrow` drops that code from
 * the grid (TFLite, AQT); `full` spreads the range over the whole grid, s = max|x|/(2^(b−1) − ½)
 * (PyTorch), so all 2^b codes are used and the top of the range clips.
 */
export const SIGNED_GRIDS = ['qmax', 'narrow', 'full'] as const;
export type SignedGrid = (typeof SIGNED_GRIDS)[number];

/** The MSE range search (docs/conventions.md §5): shrink both ends together, or search both ends. */
export const MSE_SEARCHES = ['1d', '2d'] as const;
export type MseSearch = (typeof MSE_SEARCHES)[number];

/** Units of the EWGS δ (docs/conventions.md §2): code units (lab δ) or the paper's [0, 1] input. */
export const DELTA_UNITS = ['code', 'normalized'] as const;
/** Where the clip mask of a gradient estimator tests v (docs/conventions.md §4). */
export const MASK_ON = ['unrounded', 'rounded'] as const;

/** The optimizers; 'adahessian' preconditions with a Hessian-diagonal estimate (docs/adahessian.md). */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adahessian'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const estimatorSchema = z
  .object({
    name: z.enum(ESTIMATOR_NAMES).default('ste'),
    /**
     * The estimator's one shape parameter; its meaning depends on `name` (tanh/sigmoid: sharpness k;
     * cosine: amplitude a in (−1, 1); ewgs: δ; pwl: slope of the outer segments). Absent = the
     * estimator's default from the registry.
     */
    param: z.number().finite().optional(),
    /** EWGS: `param` δ in code units (lab) or the paper's units, δ_code = δ_paper/(2^b − 1). */
    deltaUnits: z.enum(DELTA_UNITS).default('code'),
    /** Zero the gradient outside the clip range [qmin, qmax] (DSQ); `clipped-ste` always does. */
    clipMask: z.boolean().default(false),
    /** The clip mask tests the unrounded v = x/s + z (lab) or round(v) (PyTorch). */
    maskOn: z.enum(MASK_ON).default('unrounded'),
  })
  .strict();

/** How one tensor role (weights or activations) is quantized: grid × calibration × granularity. */
function makeQuantizerSchema(defaults: { symmetric: boolean; range: RangeEstimatorName }) {
  return z
    .object({
      bits: bitsSchema.default(4),
      symmetric: z.boolean().default(defaults.symmetric),
      perChannel: z.boolean().default(false),
      range: z.enum(RANGE_ESTIMATORS).default(defaults.range),
      /** Percentile for `range: 'percentile'`, in (50, 100]. */
      percentile: z.number().gt(50).max(100).default(99.9),
      /** Momentum of `ema` and `hindsight` range updates: r ← (1−η)·r + η·stat. */
      rangeMomentum: z.number().gt(0).max(1).default(0.1),
      /** Signed symmetric grid and scale: see {@link SIGNED_GRIDS}. */
      signedGrid: z.enum(SIGNED_GRIDS).default('qmax'),
      /** `range: 'mse'`, asymmetric: 1-D shrink or 2-D search over both ends ({@link MSE_SEARCHES}). */
      mseSearch: z.enum(MSE_SEARCHES).default('1d'),
    })
    .strict();
}
export const weightQuantizerSchema = makeQuantizerSchema({ symmetric: true, range: 'minmax' });
export const actQuantizerSchema = makeQuantizerSchema({ symmetric: false, range: 'ema' });
export type QuantizerConfig = z.infer<typeof weightQuantizerSchema>;

/**
 * The defaults of bits learned during QAT, the runner's (`--qbitopt-*`, src/cli/qbitoptFlags.ts):
 * re-allocate every 100 steps from 8 probes on 128 images, traces averaged with momentum 0.5, the
 * bits fixed for the last 20% of the steps (docs/mixed.md §7).
 */
export const QBITOPT_DEFAULTS = {
  bits: [2, 3, 4, 8],
  every: 100,
  probes: 8,
  batch: 128,
  freeze: 0.2,
  momentum: 0.5,
};

/**
 * Bits learned during QAT (docs/mixed.md §7), the experiment's form of `quant-lab run --qbitopt`:
 * `axis` and `budget` are `--budget-{bops,size,acev2}`, the rest `--qbitopt-{bits,every,probes,
 * batch,freeze,momentum}` (activation bits tied).
 */
export const qbitoptSchema = z
  .object({
    axis: z.enum(['bops', 'size', 'acev2']),
    /** In the axis's units: BOPs per sample, bytes, ACEv2 per sample. */
    budget: z.number().gt(0),
    bits: z.array(z.number().int().min(2).max(8)).min(1).max(7).default(QBITOPT_DEFAULTS.bits),
    every: z.number().int().min(1).max(1_000_000).default(QBITOPT_DEFAULTS.every),
    probes: z.number().int().min(1).max(1000).default(QBITOPT_DEFAULTS.probes),
    batch: z.number().int().min(1).max(8000).default(QBITOPT_DEFAULTS.batch),
    freeze: z.number().min(0).lt(1).default(QBITOPT_DEFAULTS.freeze),
    momentum: z.number().min(0).lt(1).default(QBITOPT_DEFAULTS.momentum),
  })
  .strict();
export type QBitOptConfig = z.infer<typeof qbitoptSchema>;

const layerOverrideSchema = z
  .object({ weightBits: bitsSchema.optional(), actBits: bitsSchema.optional() })
  .strict();

export const experimentSchema = z
  .object({
    version: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
    /** Optional human name (shown in run lists and exports). */
    name: z.string().max(200).optional(),
    /** One seed drives initialization, data order and any sampling. */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    data: z
      .object({
        dataset: z.enum(['mnist']).default('mnist'),
        trainSize: z.number().int().min(64).max(8000).default(8000),
        testSize: z.number().int().min(64).max(2000).default(2000),
      })
      .strict()
      .prefault({}),
    model: z
      .object({
        arch: z.enum(MODEL_ARCHS).default('mlp'),
        /** Hidden widths of the MLP before the width multiplier. */
        hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([256, 256]),
        /** Scales every hidden width / channel count (rounded, at least 1). */
        widthMultiplier: z.number().min(0.125).max(8).default(1),
        /**
         * BN folded into the weight and bias of the layer before it (a post-training model,
         * docs/ptq.md): those layers have a bias and no BN.
         */
        foldBatchNorm: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    quant: z
      .object({
        weight: weightQuantizerSchema.prefault({}),
        act: actQuantizerSchema.prefault({}),
        /** Keep the first and last layer at 8 bits (weights and activations), as AQT's best configs do. */
        firstLastBits8: z.boolean().default(false),
        /** Per-layer bit overrides, keyed by layer name (see src/models/spec.ts). Win over firstLastBits8. */
        layers: z.record(z.string(), layerOverrideSchema).prefault({}),
        /** Quantize batch-norm scale and shift (PikeLPN QuantNorm) at the weight bitwidth. */
        quantNorm: z.boolean().default(false),
        /** Quantize the per-channel scales themselves (PikeLPN double quantization), 8-bit. */
        doubleQuant: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    estimator: estimatorSchema.prefault({}),
    train: z
      .object({
        optimizer: z.enum(OPTIMIZERS).default('adam'),
        // Defaults measured on the MNIST split (1000 steps, wasm): Adam 2e-3 with a cosine decay at
        // batch 64 reaches W4A4 MLP 96.2%, float MLP 96.0%, W4A4 CNN 97.4%; the old 1e-3 constant at
        // batch 128 gave 95.9 / 95.7 / 96.8 at twice the CNN step time.
        lr: z.number().gt(0).max(100).default(2e-3),
        schedule: z.enum(['constant', 'cosine']).default('cosine'),
        steps: z.number().int().min(1).max(1_000_000).default(1000),
        batchSize: z.number().int().min(1).max(4096).default(64),
        weightDecay: z.number().min(0).max(1).default(0),
        /** AdaHessian's Hessian power k: the update divides by (√v)^k (docs/adahessian.md). */
        hessianPower: z.number().gt(0).max(1).default(1),
        /** Evaluate on the test split every this many steps (and always at the end). */
        evalEvery: z.number().int().min(1).default(250),
        /** Read the loss back and emit a step report every this many steps. */
        reportEvery: z.number().int().min(1).default(10),
        /**
         * Native integer training (docs/integer.md §7): each layer's op runs on the integer codes
         * (exact int32 accumulator, rescaled by s_x·s_w); the backward pass is fake quantization's.
         */
        nativeInt: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    oscillation: z
      .object({
        /** Track per-weight oscillations (in layers with ≤ 4-bit weights unless `trackAll`). */
        track: z.boolean().default(true),
        trackAll: z.boolean().default(false),
        /** EMA momentum m of the oscillation frequency (docs/science.md §2: 0.001–0.01). */
        momentum: z.number().gt(0).max(1).default(0.01),
        /** A weight counts as "oscillating" when its frequency exceeds this (reporting only). */
        reportThreshold: z.number().gt(0).max(1).default(0.02),
        /** Dampening λ_end; 0 = off. Cosine schedule from 0 after 25% of training (docs/science.md §2). */
        dampening: z.number().min(0).max(100).default(0),
        /** Freezing threshold f_th at the end of training; 0 = off. Cosine from 10·f_th after 25%. */
        freezeThreshold: z.number().min(0).max(1).default(0),
        /** Frozen weights keep round(EMA of integer codes) (true) or the current code (false). */
        freezeUseEma: z.boolean().default(true),
        /** How many weights per layer to sample for trajectory charts. */
        sampleWeights: z.number().int().min(0).max(64).default(8),
      })
      .strict()
      .prefault({}),
    bn: z
      .object({
        /** Re-estimate BN statistics over `reestimateBatches` training batches before evaluation. */
        reestimate: z.boolean().default(false),
        reestimateBatches: z.number().int().min(1).max(500).default(50),
      })
      .strict()
      .prefault({}),
    /** Twin run (docs/science.md §1): the same experiment, differing only in the gradient estimator. */
    twin: z
      .object({
        estimator: estimatorSchema,
        /** Apply the SGD mapping to the STE-side twin: lr × α and init through M. */
        map: z.boolean().default(false),
        /** Compare the twins every this many steps. */
        compareEvery: z.number().int().min(1).default(10),
      })
      .strict()
      .optional(),
    /** Bits learned during QAT under a budget (docs/mixed.md §7); absent: the bits stay as set. */
    qbitopt: qbitoptSchema.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    // Native-int training reads the scale after the quantizer's call (src/models/nativeInt.ts);
    // in-hindsight ranges quantize with the range before that call's update.
    for (const role of ['weight', 'act'] as const)
      if (e.train.nativeInt && e.quant[role].range === 'hindsight')
        ctx.addIssue({
          code: 'custom',
          path: ['quant', role, 'range'],
          message: 'train.nativeInt needs a range estimator other than hindsight',
        });
  });

/** A fully resolved experiment (every default filled in). */
export type Experiment = z.infer<typeof experimentSchema>;
/** What a file or link may hold: any subset, completed by defaults. */
export type ExperimentInput = z.input<typeof experimentSchema>;

/** The default experiment (W4A4 MLP, STE, Adam). */
export const DEFAULT_EXPERIMENT: Experiment = experimentSchema.parse({});

/** Outcome of validation: never throws. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validates unknown input as an experiment, naming the first bad fields by path
 * (e.g. `quant.weight.bits: bits must be 2–8, or 32 for float`).
 */
export function parseExperiment(input: unknown): ParseResult<Experiment> {
  const result = experimentSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: formatZodError(result.error) };
}

/** Formats a zod error as `path: message` lines (at most five). */
export function formatZodError(error: z.ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
  return lines.join('; ') + more;
}
