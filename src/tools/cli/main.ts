// The `alloy` command. Node only.
import { init, AlloyError } from '../../runtime/index.js';
import { formatsCommand, castCommand } from './formats.js';
import { inspectCommand, runCommand, benchCommand, packCommand } from './model-commands.js';
import { parseFlags } from './flags.js';
// import and plan pull in protobufjs, flatbuffers and the image decoders: loaded only for them.

const USAGE = `alloy <command> [options]

Commands:
  formats                         print the format table
  cast VALUE [--to FMT] [--round R] [--overflow P] [--seed S]
                                  encode VALUE in one format (or all) and show code, fields,
                                  decoded value and error
  import MODEL.onnx -o OUT.alloy   convert an ONNX model (opsets 11-21) into a bundle
  inspect BUNDLE.alloy [--json]   graph table: formats and bytes per layer, precision map
  run BUNDLE.alloy --input [name=]FILE.npy|.json|.f32 [--shape name=1,784] [-o OUT.npy|.json]
      [--stats [json]] [--decode-weights] [--reference]
                                  run once; prints JSON outputs or writes them; --stats counts
                                  NaN, +-Inf and saturated values per layer (on stderr);
                                  --decode-weights holds float / MX Dense weights as f32
                                  (same outputs, faster, more memory); --reference runs the
                                  scalar reference kernels (same outputs, slower: a check)
  bench BUNDLE.alloy [--batch N] [--decode-weights] [--reference]
                                  latency: median after a 2 s warm-up; the weights' formats
                                  and the kernels that read them
  pack IN.alloy --map MAP.json -o OUT.alloy
                                  re-encode weights as the precision map says, embed the map
  plan MODEL.alloy --calib DATA [--labels L] --metric M --tolerance T [--relative] --formats f16,i8,i4
       --search greedy|binary|pareto -o map.json --report report.html [--samples N --seed S]
                                  plan a precision map (alloy plan --help for every option)
  help                            this text

Rounding R: rne (default) rna rtz floor ceil stochastic.  Overflow P: saturate (default) ieee.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') { console.log(USAGE); return cmd ? 0 : 1; }
  const alloy = await init();
  const { pos, flags } = parseFlags(rest);
  switch (cmd) {
    case 'formats': return formatsCommand(alloy);
    case 'cast': return castCommand(alloy, pos, flags);
    case 'import': return (await import('./import.js')).importCommand(alloy, pos, flags);
    case 'inspect': return inspectCommand(pos, flags);
    case 'run': return runCommand(alloy, pos, flags);
    case 'bench': return benchCommand(alloy, pos, flags);
    case 'pack': return packCommand(alloy, pos, flags);
    case 'plan': return (await import('./plan.js')).planCommand(alloy, rest);
    default:
      console.error(`alloy: unknown command ${JSON.stringify(cmd)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  if (e instanceof AlloyError) { console.error(`alloy: ${e.message}`); process.exit(1); }
  console.error(e);
  process.exit(3);
});
