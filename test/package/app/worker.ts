// Cloudflare Workers: the "workerd" condition gives an entry that imports alloy.wasm as a module,
// so init() needs no argument.
import { init } from 'alloy-runtime';
import { check } from './check.js';

export default {
  async fetch(): Promise<Response> {
    return new Response(`result ${check(await init())}`);
  },
};
