// examples/worker on workerd (node_modules/.bin/workerd, 127.0.0.1, a free port): the Worker
// module with alloy.wasm as a wasm module import and the bundles as data modules.
import { apiSuite } from './api-cases.ts';
import { startWorkerd } from '../../scripts/build-examples.ts';

apiSuite('examples/worker (workerd)', () => startWorkerd(15_000), /^workerd$/).run();
