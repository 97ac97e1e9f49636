// Every `alloy` command: its usage (what `alloy CMD --help` prints) and the flags it accepts (any
// other is BAD_ARGUMENT, so a misspelt flag never silently falls back to a default).
import type { FlagKind } from './flags.js';
import { PLAN_USAGE } from './plan-usage.js';

export interface Command { summary: string; usage: string; flags: Record<string, FlagKind> }

const LOAD = { 'decode-weights': 'switch', reference: 'switch' } as const;

export const COMMANDS: Record<string, Command> = {
  formats: { summary: 'print the format table', usage: 'alloy formats', flags: {} },
  cast: {
    summary: 'encode VALUE in one format (or all) and show code, fields, decoded value and error',
    usage: `alloy cast VALUE [--to FMT] [--round R] [--overflow P] [--seed S]
  --to FMT        one format (default: every non-MX format)
  --round R       rne (default) rna rtz floor ceil stochastic
  --overflow P    saturate (default) ieee
  --seed S        stochastic rounding seed (an integer)`,
    flags: { to: 'value', round: 'value', overflow: 'value', seed: 'value' },
  },
  import: {
    summary: 'convert an ONNX (opsets 6-22) or TFLite model into a bundle',
    usage: `alloy import MODEL.onnx|MODEL.tflite -o OUT.alloy [--input-shape name=1,3,640,640 ...]
  -o OUT.alloy                the bundle to write (validated by loading it first)
  --input-shape name=d0,d1..  fix a graph input's shape (repeat for more inputs; ONNX only). A
                              symbolic dimension left open (or given as -1) is read from the
                              feeds at run time; fixing it lets the importer fold shape
                              arithmetic and use the layout-aware NHWC kernels`,
    flags: { o: 'value', 'input-shape': 'repeat' },
  },
  inspect: {
    summary: 'graph table: formats and bytes per layer, precision map',
    usage: `alloy inspect BUNDLE.alloy [--json]
  --json          the same as JSON`,
    flags: { json: 'switch' },
  },
  run: {
    summary: 'run a bundle once on inputs from files',
    usage: `alloy run BUNDLE.alloy --input [name=]FILE.npy|.json|.f32 [--shape name=1,784] [-o OUT.npy|OUT.json]
          [--precision MAP.json] [--stats [json]] [--decode-weights] [--reference]
  --input [name=]FILE   an input (repeat as positional name=FILE for more); default name: the first input
  --shape name=d0,d1    shape of a raw .f32 input (several: separated by ;)
  -o, --output FILE     write the outputs (.npy: the first output; else JSON) instead of printing JSON
  --precision MAP.json  override activations / accumulators / rounding per layer
  --stats [json]        count NaN, +-Inf and saturated values per layer (on stderr)
  --decode-weights      hold float / MX Dense weights as f32 (same outputs, faster, more memory)
  --reference           run the scalar reference kernels (same outputs, slower: a check)`,
    flags: { input: 'value', shape: 'value', o: 'value', output: 'value', precision: 'value', stats: ['json', 'table'], ...LOAD },
  },
  bench: {
    summary: 'latency of a bundle: median after a warm-up',
    usage: `alloy bench BUNDLE.alloy [--batch N] [--warmup-ms 2000] [--runs 51] [--decode-weights] [--reference]
  --batch N          batch size (default 1)
  --warmup-ms MS     warm-up time before measuring (default 2000)
  --runs N           measured runs (default 51)
  --decode-weights   hold float / MX Dense weights as f32
  --reference        the scalar reference kernels`,
    flags: { batch: 'value', 'warmup-ms': 'value', runs: 'value', ...LOAD },
  },
  pack: {
    summary: 're-encode weights as a precision map says, embed the map',
    usage: `alloy pack IN.alloy --map MAP.json -o OUT.alloy
  --map MAP.json   the precision map (alloy plan writes one)
  -o OUT.alloy     the bundle to write`,
    flags: { map: 'value', o: 'value' },
  },
  plan: {
    summary: 'plan a precision map that keeps a metric within a tolerance',
    usage: PLAN_USAGE,
    flags: Object.fromEntries([
      ...['calib', 'labels', 'metric', 'tolerance', 'formats', 'search', 'o', 'report', 'samples', 'seed', 'layout', 'size', 'channels', 'mean', 'std', 'scale', 'shape',
        'norm', 'landmark-dims', 'pck', 'output-kind', 'rank-by', 'hutchinson', 'h-rel', 'calib-method', 'calib-granularity', 'block', 'percentile', 'calib-out',
        'bundle-out', 'pareto-points', 'batch', 'warmup-ms', 'runs', 'scheme', 'levels', 'error-min', 'error-max', 'mu', 'pad-id'].map((k) => [k, 'value']),
      ...['relative', 'no-secant', 'asymmetric', 'no-calibration', 'no-latency'].map((k) => [k, 'switch']),
    ]) as Record<string, FlagKind>,
  },
};

export function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return `alloy <command> [options]      (alloy <command> --help: its usage and flags)

Commands:
${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(w)}${c.summary}`).join('\n')}
  ${'help'.padEnd(w)}this text (alloy help <command>: that command's)

Options:
  --help, -h      this text
  --version, -v   the package version

Examples:
  alloy import model.onnx -o model.alloy
  alloy plan model.alloy --calib digits.npy --labels labels.npy --metric top1 --tolerance 0.005 --relative \\
        --formats f16,i8,i4 --search greedy -o map.json --report report.html
  alloy pack model.alloy --map map.json -o model-mixed.alloy
  alloy run model-mixed.alloy --input x.npy -o y.npy
  alloy cast 0.3952 --to f8_e4m3fn --round rtz`;
}
