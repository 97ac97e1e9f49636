// The `alloy` command. Node only.
import { init, AlloyError, VERSION } from '../../runtime/index.js';
import { formatsCommand, castCommand } from './formats.js';
import { inspectCommand, runCommand, benchCommand, packCommand } from './model-commands.js';
import { parseFlags, closest } from './flags.js';
import { COMMANDS, usage } from './commands.js';
// import and plan pull in protobufjs, flatbuffers and the image decoders: loaded only for them.

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) { console.error(usage()); return 2; }
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const about = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    if (rest[0] !== undefined && !about) throw new AlloyError('BAD_ARGUMENT', `help: no command ${JSON.stringify(rest[0])} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    console.log(about ? about.usage : usage());
    return 0;
  }
  if (cmd === '--version' || cmd === '-v' || cmd === 'version') { console.log(`alloy-runtime ${VERSION}`); return 0; }
  const spec = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!spec) {
    const near = closest(cmd, Object.keys(COMMANDS));
    throw new AlloyError('BAD_ARGUMENT', `unknown command ${JSON.stringify(cmd)}${near ? ` (did you mean ${near}?)` : ''}; alloy --help lists the commands`);
  }
  const { pos, flags } = parseFlags(rest, spec.flags, cmd);
  if (flags.help) { console.log(spec.usage); return 0; }
  const alloy = await init();
  switch (cmd) {
    case 'formats': return formatsCommand(alloy);
    case 'cast': return castCommand(alloy, pos, flags);
    case 'import': return (await import('./import.js')).importCommand(alloy, pos, flags);
    case 'inspect': return inspectCommand(pos, flags);
    case 'run': return runCommand(alloy, pos, flags);
    case 'bench': return benchCommand(alloy, pos, flags);
    case 'pack': return packCommand(alloy, pos, flags);
    default: return (await import('./plan.js')).planCommand(alloy, rest);
  }
}

// One line per failure: `alloy: CODE: message` (the AlloyError message starts with its code).
// Node's own errors (a file system call outside files.ts) become IO_ERROR; anything else is a bug,
// still one line, with the stack under ALLOY_DEBUG=1.
main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  if (e instanceof AlloyError) { console.error(`alloy: ${e.message}`); process.exit(1); }
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && typeof err.syscall === 'string') { console.error(`alloy: IO_ERROR: ${err.message}`); process.exit(1); }
  console.error(`alloy: INTERNAL: ${err?.message ?? String(e)} (a bug; ALLOY_DEBUG=1 prints the stack)`);
  if (process.env.ALLOY_DEBUG === '1') console.error(err?.stack);
  process.exit(3);
});
