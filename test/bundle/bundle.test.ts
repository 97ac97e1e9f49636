// Bundle v2: round trip, and every kind of corruption rejected with its AlloyError code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getAlloy } from '../util.ts';
import { readBundle, AlloyError } from '../../build/alloy.mjs';
import { writeBundle, packBundle } from '../../build/alloy-tools.mjs';

const graph = {
  inputs: [{ name: 'x', shape: [-1, 3], format: 'f32' }],
  outputs: [{ name: 'y', shape: [-1, 2], format: 'f32' }],
  nodes: [
    { name: 'fc', op: 'Dense', inputs: ['x', 'w', 'b'], outputs: ['h'], attrs: { activation: 'relu' } },
    { name: 'sm', op: 'Softmax', inputs: ['h'], outputs: ['y'] },
  ],
};
const tensors = () => ({
  w: { format: 'f32', shape: [2, 3], data: new Float32Array([1, 0, -1, 0.5, 0.5, 0.5]) },
  b: { format: 'f32', shape: [2], data: new Float32Array([0, 1]) },
});
const good = () => writeBundle({ graph, tensors: tensors(), metadata: { tool: 'test' } });

function header(bytes: Uint8Array) {
  const h = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(16, true));
  return { h, json: JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + h))) };
}
function withHeader(bytes: Uint8Array, edit: (j: any) => void, dataEdit?: (d: Uint8Array) => Uint8Array): Uint8Array {
  const { h, json } = header(bytes);
  edit(json);
  let data = bytes.slice(24 + h);
  if (dataEdit) data = dataEdit(data);
  let enc = new TextEncoder().encode(JSON.stringify(json));
  const padded = Math.ceil((24 + enc.length) / 64) * 64 - 24;
  const out = new Uint8Array(24 + padded + data.length).fill(0x20, 24, 24 + padded);
  out.set(bytes.subarray(0, 24));
  new DataView(out.buffer).setBigUint64(16, BigInt(padded), true);
  out.set(enc, 24);
  out.set(data, 24 + padded);
  return out;
}
function rejects(bytes: Uint8Array, code: string, re?: RegExp) {
  try { readBundle(bytes); } catch (e) {
    assert.instance(e, AlloyError);
    assert.is((e as AlloyError).code, code, (e as Error).message);
    if (re) assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('round trip: header, 64-byte aligned data, checksum', async () => {
  await getAlloy();
  const b = good();
  const { h, json } = header(b);
  assert.is((24 + h) % 64, 0);
  assert.is(json.tensors.b.offset % 64, 0);
  const r = readBundle(b);
  assert.equal(r.header.graph, graph);
  assert.equal(new Float32Array(r.data.slice(r.header.tensors.w.offset, r.header.tensors.w.offset + 24).buffer), tensors().w.data);
});

test('bad magic, version, flags', async () => {
  await getAlloy();
  const b = good();
  const m = b.slice(); m[0] = 0x42; rejects(m, 'BAD_MAGIC', /byte 0/);
  const crlf = b.slice(); crlf[6] = 0x0a; rejects(crlf, 'BAD_MAGIC', /byte 6/);
  const v = b.slice(); v[8] = 3; rejects(v, 'BAD_VERSION');
  const v1 = b.slice(); v1[8] = 1; rejects(v1, 'BAD_VERSION', /version 1, this reader knows 2 \(write the bundle again from the source model/);
  const f = b.slice(); f[12] = 1; rejects(f, 'BAD_HEADER');
});

test('truncation at every section boundary and at every 7th byte', async () => {
  await getAlloy();
  const b = good();
  const { h } = header(b);
  const cuts = [0, 7, 8, 16, 23, 24, 24 + h - 1, 24 + h, b.length - 1];
  for (let i = 0; i < b.length; i += 7) cuts.push(i);
  for (const c of cuts) {
    try { readBundle(b.slice(0, c)); assert.unreachable(`cut at ${c} accepted`); } catch (e) { assert.instance(e, AlloyError, `cut at ${c}: ${e}`); }
  }
});

test('header size bomb is refused before reading', async () => {
  await getAlloy();
  const b = good().slice();
  new DataView(b.buffer).setBigUint64(16, 2n ** 62n, true);
  rejects(b, 'LIMIT_EXCEEDED', /maxHeaderBytes/);
});

test('checksum mismatch', async () => {
  await getAlloy();
  const b = good().slice();
  b[b.length - 1] ^= 1;
  rejects(b, 'BAD_CHECKSUM');
});

test('load(): corrupt data is BAD_CHECKSUM wherever it lies (weights copied in, unused tensor) and before any other error', async () => {
  const alloy = await getAlloy();
  const b = writeBundle({ graph, tensors: { ...tensors(), unused: { format: 'f32', shape: [5], data: new Float32Array([1, 2, 3, 4, 5]) } } });
  const { h, json } = header(b);
  const at = (name: string, i: number) => 24 + h + json.tensors[name].offset + i;
  const code = (bytes: Uint8Array) => { try { alloy.load(bytes).dispose(); return 'ok'; } catch (e) { assert.instance(e, AlloyError); return (e as AlloyError).code; } };
  const flip = (bytes: Uint8Array, i: number) => { const c = bytes.slice(); c[i] ^= 0x10; return c; };
  assert.is(code(b), 'ok');
  for (const i of [at('w', 0), at('w', 23), at('b', 7), at('unused', 0), at('unused', 19), b.length - 1]) {
    assert.is(code(flip(b, i)), 'BAD_CHECKSUM', `byte ${i}`);
  }
  // Errors found after the weights were copied (a dangling input of the second node) and before
  // (an unknown operator): with intact data their own code, with corrupt data BAD_CHECKSUM.
  const dangling = withHeader(b, (j) => { j.graph.nodes[1].inputs = ['nowhere']; });
  const unknown = withHeader(b, (j) => { j.graph.nodes[1].op = 'Nope'; });
  assert.is(code(dangling), 'BAD_GRAPH');
  assert.is(code(unknown), 'UNSUPPORTED_OP');
  const dh = header(dangling).h, uh = header(unknown).h;
  assert.is(code(flip(dangling, 24 + dh + json.tensors.w.offset)), 'BAD_CHECKSUM');
  assert.is(code(flip(unknown, 24 + uh + json.tensors.b.offset)), 'BAD_CHECKSUM');
});

test('offsets: overlap, out of order, outside, unaligned, holes, non-zero padding, trailing bytes', async () => {
  await getAlloy();
  const b = good();
  rejects(withHeader(b, (j) => { j.tensors.b.offset = 0; }), 'BAD_OFFSET', /overlaps/);
  rejects(withHeader(b, (j) => { j.tensors.b.offset = 1024; }), 'BAD_OFFSET', /outside/);
  rejects(withHeader(b, (j) => { j.tensors.b.offset = 32; }), 'BAD_OFFSET', /multiple of 64/);
  rejects(withHeader(b, (j) => { j.tensors.b.offset = 128; j.data.bytes += 64; }, (d) => { const e = new Uint8Array(d.length + 64); e.set(d.subarray(0, 64)); e.set(d.subarray(64), 128); return e; }), 'BAD_OFFSET', /hole/);
  rejects(withHeader(b, () => {}, (d) => { const e = d.slice(); e[30] = 9; return e; }), 'BAD_OFFSET', /padding/);
  const extra = new Uint8Array(b.length + 1); extra.set(b);
  rejects(extra, 'BAD_OFFSET', /after the data/);
});

test('tensors: unknown format, bad shapes, overflow, size mismatch', async () => {
  await getAlloy();
  const b = good();
  rejects(withHeader(b, (j) => { j.tensors.w.format = 'f7'; }), 'UNKNOWN_FORMAT', /tensor "w"/);
  rejects(withHeader(b, (j) => { j.tensors.w.shape = [2, -3]; }), 'BAD_TENSOR');
  rejects(withHeader(b, (j) => { j.tensors.w.shape = [2 ** 30, 2 ** 30]; }), 'LIMIT_EXCEEDED');
  rejects(withHeader(b, (j) => { j.tensors.w.shape = [3, 3]; }), 'BAD_TENSOR', /needs 36/);
  rejects(withHeader(b, (j) => { j.tensors.w.shape = 'big'; }), 'BAD_TENSOR');
});

test('header: not JSON, not UTF-8, missing fields', async () => {
  await getAlloy();
  const b = good().slice();
  b[24] = 0xff; rejects(b, 'BAD_HEADER', /UTF-8 JSON/);
  rejects(withHeader(good(), (j) => { j.alloy = 1; }), 'BAD_HEADER');
  rejects(withHeader(good(), (j) => { delete j.tensors.w.xxh32; }), 'BAD_TENSOR', /tensor "w": xxh32 undefined/);
  rejects(withHeader(good(), (j) => { j.tensors.b.xxh32 = 'ABCDEF01'; }), 'BAD_TENSOR', /tensor "b": xxh32 "ABCDEF01"/);
  rejects(withHeader(good(), (j) => { delete j.data; }), 'BAD_HEADER');
});

test('tensor references: scale / zeroPoint must name a tensor of the bundle (own names only), group a positive integer', async () => {
  const alloy = await getAlloy();
  const q = () => writeBundle({
    graph: { ...graph, nodes: [{ ...graph.nodes[0] }, graph.nodes[1]] },
    tensors: { w: { format: 'i8', shape: [2, 3], data: new Int8Array([1, 2, 3, -1, -2, -3]), scale: 'w.scale', group: 3 }, 'w.scale': { format: 'f32', shape: [2], data: new Float32Array([0.5, 0.25]) }, b: tensors().b },
  });
  assert.ok(alloy.load(q()));
  for (const bad of ['constructor', '__proto__', 'toString', 'ghost']) {
    rejects(withHeader(q(), (j) => { j.tensors.w.scale = bad; }), 'BAD_TENSOR', /tensor "w": scale tensor .* is not a tensor of this bundle/);
    rejects(withHeader(q(), (j) => { j.tensors.w.zeroPoint = bad; }), 'BAD_TENSOR', /tensor "w": zero point tensor .* is not a tensor of this bundle/);
  }
  rejects(withHeader(q(), (j) => { j.tensors.w.scale = 7; }), 'BAD_TENSOR', /scale tensor 7/);
  for (const g of [0, -3, 1.5, '3', null]) rejects(withHeader(q(), (j) => { j.tensors.w.group = g; }), 'BAD_TENSOR', /group .* is not a positive integer/);
});

// load() was already safe (weights are a Map); packBundle() looked names up in the header object.
test('graph names such as "constructor" never reach Object.prototype: load() and packBundle() answer with AlloyErrors', async () => {
  const alloy = await getAlloy();
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const b = withHeader(good(), (j) => { j.graph.nodes[0].inputs[1] = name; });
    const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { assert.instance(e, AlloyError, `${name}: ${(e as Error).message}`); return (e as AlloyError).code; } };
    assert.is(code(() => alloy.load(b)), 'BAD_GRAPH', name);
    // packing for i8 finds no weight tensor of that name: the layer is left as it is
    const packed = packBundle(b, { version: 1, default: { weights: 'i8' } });
    assert.equal(packed.report, [], name);
  }
});

test.run();
