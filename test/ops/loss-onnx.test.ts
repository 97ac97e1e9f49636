// The losses, training optimizers and signal ops through the ONNX importer (generic rows,
// src/tools/import/onnx/ops/loss.ts, signal.ts) and the runtime builders (src/runtime/ops/loss.ts,
// optim.ts, signal.ts): small models built here, run by Alloy, against plain-JS float64 oracles
// of the ONNX definitions, at more than one shape; the ai.onnx.preview.training domain without a
// default-domain opset_import, and the importer's refusals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, importModel, runAlloy, type Spec } from '../import/onnx-helpers.ts';
import { rng } from '../util.ts';
import { nllOracle } from '../ref/signal.ts';

const TRAIN = 'ai.onnx.preview.training';
const n = (s: number[]) => s.reduce((a, b) => a * b, 1);
const rand = (count: number, seed: number, scale = 2) => { const r = rng(seed); return Array.from({ length: count }, () => (((r() % 2001) - 1000) / 1000) * scale); };
const close = (got: ArrayLike<number | bigint>, want: number[], tol: number, what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]);
    if (Number.isNaN(want[i])) { assert.ok(Number.isNaN(g), `${what} [${i}]`); continue; }
    assert.ok(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])), `${what} [${i}]: ${g} vs ${want[i]}`);
  }
};
const fails = async (f: () => Promise<unknown>, code: string, re: RegExp) => {
  try { await f(); } catch (e: any) { assert.is(e.code, code, e.message); assert.match(e.message, re); return; }
  assert.unreachable(`expected ${code}`);
};
const run = (spec: Spec, feeds: Record<string, any>) => runAlloy(buildModel(spec), feeds).then((r) => r.out as Record<string, { data: any; shape: number[] }>);

// ----- losses

test('NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss: reductions, weights, ignore_index, trailing dims, log_prob, f32 / f64, i32 / i64 targets', async () => {
  for (const shape of [[3, 5], [2, 4, 3], [2, 3, 2, 5]]) for (const op of ['NegativeLogLikelihoodLoss', 'SoftmaxCrossEntropyLoss']) for (const red of ['none', 'sum', 'mean']) {
    for (const [weighted, ii, f64, i32] of [[false, undefined, false, false], [true, 1, false, true], [true, -1, true, false], [false, 2, true, true]] as [boolean, number | undefined, boolean, boolean][]) {
      const [N, C] = shape, D = n(shape.slice(2)), ts = [N, ...shape.slice(2)];
      const r = rng(N * C + D), x = rand(n(shape), C + D), w = weighted ? rand(C, 5).map((v) => Math.abs(v) + 0.1) : null;
      const t = Array.from({ length: n(ts) }, (_, k) => (ii !== undefined && k % 4 === 1 ? ii : r() % C));
      const ft = f64 ? 'double' : 'float', log = op === 'SoftmaxCrossEntropyLoss' && red !== 'sum';
      const spec: Spec = {
        opset: 13,
        inputs: [{ name: 'x', shape, type: ft }, { name: 't', shape: ts, type: i32 ? 'int32' : 'int64' }, ...(w ? [{ name: 'w', shape: [C], type: ft } as const] : [])],
        outputs: [{ name: 'y', type: ft }, ...(log ? [{ name: 'lp', type: ft } as const] : [])],
        nodes: [{ op, inputs: ['x', 't', ...(w ? ['w'] : [])], outputs: ['y', ...(log ? ['lp'] : [])], attrs: { reduction: red, ...(ii !== undefined ? { ignore_index: ii } : {}) } }],
      };
      const A = f64 ? Float64Array : Float32Array;
      const out = await run(spec, { x: { data: A.from(x), shape }, t: { data: i32 ? Int32Array.from(t) : BigInt64Array.from(t.map(BigInt)), shape: ts }, ...(w ? { w: { data: A.from(w), shape: [C] } } : {}) });
      const want = nllOracle(f64 ? x : x.map(Math.fround), t, w && (f64 ? w : w.map(Math.fround)), N, C, D, red, ii, op === 'SoftmaxCrossEntropyLoss');
      const what = `${op} ${JSON.stringify(shape)} ${red} w ${weighted} ii ${ii} f64 ${f64}`;
      assert.equal(out.y.shape, red === 'none' ? ts : [], what);
      close(out.y.data, want.loss, f64 ? 1e-12 : 1e-5, what);
      if (log) close(out.lp.data, want.lp, f64 ? 1e-12 : 1e-5, `${what} log_prob`);
    }
  }
});

test('losses: a target out of range is BAD_INPUT; bad shapes, reduction and types are refused', async () => {
  const spec = (attrs: Record<string, any> = {}, ts = [3], extra: Partial<Spec> = {}): Spec => ({
    opset: 13, inputs: [{ name: 'x', shape: [3, 4] }, { name: 't', shape: ts, type: 'int64' }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'NegativeLogLikelihoodLoss', inputs: ['x', 't'], outputs: ['y'], attrs }], ...extra,
  });
  const feeds = (t: bigint[]) => ({ x: { data: new Float32Array(12), shape: [3, 4] }, t: { data: BigInt64Array.from(t), shape: [3] } });
  await fails(() => run(spec(), feeds([0n, 4n, 1n])), 'BAD_INPUT', /NegativeLogLikelihoodLoss.*target value is outside \[0, 3\]/);
  await fails(() => run(spec(), feeds([0n, -1n, 1n])), 'BAD_INPUT', /outside \[0, 3\] and is not the ignore_index/);
  const ok = await run(spec({ ignore_index: -1, reduction: 'sum' }), feeds([0n, -1n, 1n]));
  assert.equal(Array.from(ok.y.data), [0]);
  await fails(() => run(spec({ reduction: 'avg' }), feeds([0n, 0n, 0n])), 'BAD_GRAPH', /reduction "avg" is not one of none, sum, mean/);
  await fails(() => run(spec({}, [2]), { x: { data: new Float32Array(12), shape: [3, 4] }, t: { data: new BigInt64Array(2), shape: [2] } }), 'SHAPE_MISMATCH', /target of shape \[2\] for input \[3,4\]/);
  await fails(() => importModel(buildModel({ ...spec(), opset: 11 })), 'UNSUPPORTED_OP', /opset 11: NegativeLogLikelihoodLoss is defined from opset 12/);
  await fails(() => importModel(buildModel({ ...spec(), inputs: [{ name: 'x', shape: [3, 4], type: 'int32' }, { name: 't', shape: [3], type: 'int64' }] })), 'UNSUPPORTED_OP', /NegativeLogLikelihoodLoss.*element type i32/);
});

// ----- optimizers

test('Adagrad / Adam / Momentum (standard, nesterov) from ai.onnx.preview.training, one and two tensors, no default-domain opset', async () => {
  const P = { norm_coefficient: 0.01, decay_factor: 0.1, epsilon: 1e-3, alpha: 0.9, beta: 0.8 }, F = (k: keyof typeof P) => Math.fround(P[k]);
  const rules: Record<string, { states: string[]; attrs: Record<string, any>; f: (x: number, g: number, s: number[], r: number, t: number) => number[] }> = {
    Adagrad: { states: ['H'], attrs: { norm_coefficient: { f: P.norm_coefficient }, decay_factor: { f: P.decay_factor }, epsilon: { f: P.epsilon } },
      f: (x, g, [h], r, t) => { const gr = F('norm_coefficient') * x + g, hn = h + gr * gr; return [x - ((r / (1 + t * F('decay_factor'))) * gr) / (Math.sqrt(hn) + F('epsilon')), hn]; } },
    Adam: { states: ['V', 'H'], attrs: { norm_coefficient: { f: P.norm_coefficient }, alpha: { f: P.alpha }, beta: { f: P.beta }, epsilon: { f: P.epsilon } },
      f: (x, g, [v, h], r, t) => {
        const gr = F('norm_coefficient') * x + g, vn = F('alpha') * v + (1 - F('alpha')) * gr, hn = F('beta') * h + (1 - F('beta')) * gr * gr;
        const ra = t > 0 ? (r * Math.sqrt(1 - F('beta') ** t)) / (1 - F('alpha') ** t) : r;
        return [x - ra * (vn / (Math.sqrt(hn) + F('epsilon'))), vn, hn];
      } },
    Momentum: { states: ['V'], attrs: { norm_coefficient: { f: P.norm_coefficient }, alpha: { f: P.alpha }, beta: { f: P.beta }, mode: 'nesterov' },
      f: (x, g, [v], r, t) => { const gr = F('norm_coefficient') * x + g, vn = F('alpha') * v + (t > 0 ? F('beta') : 1) * gr; return [x - r * (gr + F('alpha') * vn), vn]; } },
  };
  for (const [op, rule] of Object.entries(rules)) for (const shapes of [[[5]], [[2, 3], [7]]]) for (const t of [0, 4]) {
    const k = shapes.length, kinds = ['X', 'G', ...rule.states];
    const names = kinds.flatMap((kd) => shapes.map((_, i) => `${kd}${i}`));
    const data: Record<string, number[]> = {};
    names.forEach((nm, j) => { data[nm] = rand(n(shapes[j % k]), j + 11, 1).map((v) => (nm.startsWith('H') ? Math.abs(v) : v)); });
    const outs = ['X', ...rule.states].flatMap((kd) => shapes.map((_, i) => `${kd}${i}_new`));
    const spec: Spec = {
      imports: [{ domain: TRAIN, version: 1 }],
      inputs: [{ name: 'R', shape: [] }, { name: 'T', shape: [], type: 'int64' }, ...names.map((nm, j) => ({ name: nm, shape: shapes[j % k] }))],
      outputs: outs.map((name) => ({ name })),
      nodes: [{ op, domain: TRAIN, inputs: ['R', 'T', ...names], outputs: outs, attrs: op === 'Momentum' && t ? { ...rule.attrs, mode: 'standard' } : rule.attrs }],
    };
    const std = op === 'Momentum' && t > 0;
    const feeds = { R: { data: new Float32Array([0.25]), shape: [] }, T: { data: new BigInt64Array([BigInt(t)]), shape: [] }, ...Object.fromEntries(names.map((nm, j) => [nm, { data: Float32Array.from(data[nm]), shape: shapes[j % k] }])) };
    const out = await run(spec, feeds);
    for (let i = 0; i < k; i++) {
      const f32 = (nm: string) => data[nm].map(Math.fround);
      const per = f32(`X${i}`).map((x, e) => {
        const g = f32(`G${i}`)[e], st = rule.states.map((s) => f32(`${s}${i}`)[e]);
        if (std) { const gr = F('norm_coefficient') * x + g, vn = F('alpha') * st[0] + F('beta') * gr; return [x - 0.25 * vn, vn]; }
        return rule.f(x, g, st, 0.25, t);
      });
      ['X', ...rule.states].forEach((kd, q) => close(out[`${kd}${i}_new`].data, per.map((p) => p[q]), 1e-5, `${op} ${JSON.stringify(shapes)} t ${t} ${kd}${i}_new`));
    }
  }
});

test('domains: other domains are refused naming them; a default-domain node needs its opset import; optimizer arity and attributes', async () => {
  const one = (op: string, domain: string | undefined, imports: Spec['imports'], attrs: Record<string, any> = { alpha: { f: 0.9 }, beta: { f: 1 }, norm_coefficient: { f: 0 } }): Spec => ({
    imports, inputs: [{ name: 'R', shape: [] }, { name: 'T', shape: [], type: 'int64' }, { name: 'X', shape: [2] }, { name: 'G', shape: [2] }, { name: 'V', shape: [2] }],
    outputs: [{ name: 'Xn' }, { name: 'Vn' }], nodes: [{ op, domain, inputs: ['R', 'T', 'X', 'G', 'V'], outputs: ['Xn', 'Vn'], attrs }],
  });
  await fails(() => importModel(buildModel(one('Momentum', 'com.example', [{ domain: 'com.example', version: 1 }]))), 'UNSUPPORTED_OP', /Momentum.*operator domain "com.example" version 1/);
  await fails(() => importModel(buildModel(one('Momentum', TRAIN, [{ domain: TRAIN, version: 2 }]))), 'UNSUPPORTED_OP', /domain "ai.onnx.preview.training" version 2/);
  await fails(() => importModel(buildModel(one('Momentum', undefined, [{ domain: '', version: 17 }]))), 'UNSUPPORTED_OP', /Momentum.*not an operator of the default domain/);
  const mixed = one('Momentum', TRAIN, [{ domain: TRAIN, version: 1 }]);
  mixed.nodes.push({ op: 'Relu', inputs: ['Xn'], outputs: ['Z'] });
  mixed.outputs.push({ name: 'Z' });
  await fails(() => importModel(buildModel(mixed)), 'BAD_GRAPH', /Relu.*no default-domain opset_import/);
  await fails(() => importModel(buildModel({ ...one('Momentum', TRAIN, []), imports: [] })), 'BAD_GRAPH', /no default-domain opset_import/);
  // with both imports the optimizer and default-domain nodes live together
  const both = one('Momentum', TRAIN, [{ domain: '', version: 17 }, { domain: TRAIN, version: 1 }]);
  both.nodes.push({ op: 'Relu', inputs: ['Xn'], outputs: ['Z'] }); both.outputs.push({ name: 'Z' });
  const fd = { R: { data: new Float32Array([1]), shape: [] }, T: { data: new BigInt64Array([1n]), shape: [] }, X: { data: new Float32Array([1, -1]), shape: [2] }, G: { data: new Float32Array([2, 2]), shape: [2] }, V: { data: new Float32Array([0, 0]), shape: [2] } };
  const out = await run(both, fd);
  close(out.Z.data, [0, 0], 0, 'Relu(X - R * V\')');        // x' = x - 1 * (0.9 * 0 + 1 * 2): [-1, -3]
  close(out.Xn.data, [-1, -3], 0, 'standard momentum');
  await fails(() => run(one('Momentum', TRAIN, [{ domain: TRAIN, version: 1 }], { beta: { f: 1 }, norm_coefficient: { f: 0 } }), fd), 'BAD_GRAPH', /Momentum needs attrs.alpha/);
  await fails(() => run(one('Momentum', TRAIN, [{ domain: TRAIN, version: 1 }], { alpha: { f: 1 }, beta: { f: 1 }, norm_coefficient: { f: 0 }, mode: 'heavy' }), fd), 'BAD_GRAPH', /mode "heavy"/);
  const arity = one('Adam', TRAIN, [{ domain: TRAIN, version: 1 }], {});
  await fails(() => importModel(buildModel(arity)), 'UNSUPPORTED_OP', /Adam.*5 inputs \(R, T and 4 per optimized tensor expected\)/);
});

test.run();
