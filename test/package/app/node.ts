// Node and Deno: init() reads alloy.wasm from the installed package.
import { init } from 'alloy-runtime';
import { check } from './check.js';

console.log(`result ${check(await init())}`);
