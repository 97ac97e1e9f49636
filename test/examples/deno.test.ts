// examples/deno on Deno.serve (node_modules/.bin/deno, 127.0.0.1, a free port): the same API
// module as the Worker.
import { apiSuite } from './api-cases.ts';
import { startDeno } from '../../scripts/build-examples.ts';

apiSuite('examples/deno (Deno.serve)', () => startDeno(20_000), /^deno \d/).run();
