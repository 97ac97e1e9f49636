// ONNX data movement on activations or constants: Transpose (composed with the NHWC layout),
// Concat, Pad, Resize (nearest / linear on 4-D images).

import { fail } from '../../../../runtime/errors.js';
import { permute } from '../../../permute.js';
import { AXIS_IN_NHWC, NCHW_TO_NHWC, prod, unsupported, type Ints } from '../../graph.js';
import type { Handler } from '../importer.js';
import { intData, makeLike, normAxis, type Act, type Const } from '../values.js';

export const Transpose: Handler = (m) => {
  const v = m.need(0);
  const dims = v.kind === 'const' ? v.dims : v.kind === 'act' ? v.shape : unsupported('quantized input');
  const r = dims.length;
  const perm = m.at.ints('perm', [...Array(r).keys()].reverse())!;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) fail('BAD_GRAPH', `${m.where()}: perm ${JSON.stringify(perm)}`);
  const out = perm.map((p) => dims[p]);
  if (v.kind === 'const') return m.bind(m.output(), { ...(v as Const), dims: out, data: permute((v as Const).data, dims, perm), q: undefined });
  const x = v as Act;
  // on an NHWC tensor: compose with NHWC -> NCHW
  const p = x.nhwc ? perm.map((k) => AXIS_IN_NHWC[k]) : perm;
  if (p.every((k, i) => k === i)) return m.bind(m.output(), { kind: 'act', name: x.name, shape: out, nhwc: false, conv: {} });
  const y = m.out(m.output(), out, false);
  m.emit('Transpose', [x.name], y.name, { perm: p });
  m.bind(m.output(), y);
};

export const Concat: Handler = (m) => {
  const vs = (m.node.input ?? []).map((_, i) => m.need(i));
  if (!vs.length) fail('BAD_GRAPH', `${m.where()}: no inputs`);
  const r = (vs[0].kind === 'const' ? vs[0].dims : vs[0].kind === 'act' ? vs[0].shape : []).length;
  const axis = normAxis(m.at.i('axis', 0), r);
  if (vs.every((v) => v.kind === 'const')) {
    const cs = vs as Const[];
    if (cs.some((c) => c.dims.length !== r || c.dims.some((d, i) => i !== axis && d !== cs[0].dims[i]))) fail('BAD_GRAPH', `${m.where()}: constant inputs of shapes ${cs.map((c) => JSON.stringify(c.dims)).join(', ')} do not concatenate along axis ${axis}`);
    const outer = prod(cs[0].dims.slice(0, axis));
    const parts = cs.map((c) => ({ c, len: prod(c.dims.slice(axis)) }));
    const total = parts.reduce((s, p) => s + p.len, 0);
    const isF = (c: Const) => c.dtype === 'f32' || c.dtype === 'f16';
    if (cs.some((c) => c.dtype !== cs[0].dtype && !(isF(c) && isF(cs[0])))) unsupported('constants of different types');
    const floats = cs.some((c) => c.dtype !== cs[0].dtype);
    const out: any = floats ? new Float32Array(outer * total) : makeLike(cs[0], outer * total);
    for (let o = 0; o < outer; o++) {
      let off = 0;
      for (const { c, len } of parts) {
        const src: any = floats ? m.f32Of(c, 'operand') : c.data;
        for (let i = 0; i < len; i++) out[o * total + off + i] = src[o * len + i];
        off += len;
      }
    }
    const dims = [...cs[0].dims]; dims[axis] = cs.reduce((s, c) => s + c.dims[axis], 0);
    return m.bind(m.output(), { kind: 'const', dims, dtype: floats ? 'f32' : cs[0].dtype, data: out });
  }
  if (vs.some((v) => v.kind !== 'act')) unsupported('a mix of constants and activations');
  const xs = vs as Act[];
  const nhwc = r === 4 && xs.some((x) => x.nhwc);
  const out = [...xs[0].shape]; out[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const y = m.out(m.output(), out, nhwc);
  m.emit('Concat', xs.map((x) => (nhwc ? m.nhwc(x) : m.nchw(x))), y.name, { axis: nhwc ? AXIS_IN_NHWC[axis] : axis });
  m.bind(m.output(), y);
};

export const Pad: Handler = (m) => {
  const x = m.act(0);
  const r = x.shape.length;
  const mode = m.at.s('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) unsupported(`mode ${JSON.stringify(mode)}`);
  let pads: Ints, value = 0;
  if (m.opset < 11) { pads = m.at.ints('pads', [])!; value = m.at.f('value', 0); }
  else {
    pads = m.ints(1, 'pads');
    const cv = m.optCst(2, 'constant_value');
    if (cv) value = m.f32Of(cv, 'constant_value')[0] ?? 0;
    const axes = m.val(3) ? m.ints(3, 'axes').map((a) => normAxis(a, r)) : undefined;
    if (axes) {
      const full = new Array(2 * r).fill(0);
      axes.forEach((a, i) => { full[a] = pads[i]; full[a + r] = pads[i + axes.length]; });
      pads = full;
    }
  }
  if (pads.length !== 2 * r) fail('BAD_GRAPH', `${m.where()}: ${pads.length} pads for rank ${r}`);
  if (pads.some((p) => p < 0)) unsupported('negative pads (cropping)');
  if (x.shape[0] === -1 && (pads[0] || pads[r])) unsupported('padding the dynamic batch dimension');
  const out = x.shape.map((d, i) => (d === -1 ? -1 : d + pads[i] + pads[i + r]));
  const nhwc = r === 4 && x.nhwc;
  const p = nhwc ? [...NCHW_TO_NHWC.map((k) => pads[k]), ...NCHW_TO_NHWC.map((k) => pads[k + 4])] : pads;
  const y = m.out(m.output(), out, nhwc);
  m.emit('Pad', [x.name], y.name, { pads: p, mode, value: Math.fround(value) });
  m.bind(m.output(), y);
};

export const Resize: Handler = (m) => {
  // opset 10 reads [X, scales]: the generic row (resize.ts) takes it
  if (m.opset < 11) unsupported(`opset ${m.opset} Resize`);
  const x = m.act(0);
  if (x.shape.length !== 4) unsupported(`input of rank ${x.shape.length} (4-D NCHW images are supported)`);
  const mode = m.at.s('mode', 'nearest');
  const coord = m.at.s('coordinate_transformation_mode', 'half_pixel');
  const nearest = m.at.s('nearest_mode', 'round_prefer_floor');
  if (mode !== 'nearest' && mode !== 'linear') unsupported(`mode ${JSON.stringify(mode)}`);
  if (!['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel'].includes(coord)) unsupported(`coordinate_transformation_mode ${JSON.stringify(coord)}`);
  if (m.at.i('antialias', 0)) unsupported('antialias');
  const axesA = m.at.ints('axes');
  const [N, C, H, W] = x.shape;
  const sizesC = m.optCst(3, 'sizes'), scalesC = m.optCst(2, 'scales');
  const expand = (v: number[], dflt: number) => { if (!axesA) return v; const full = [dflt, dflt, dflt, dflt]; axesA.forEach((a, i) => (full[normAxis(a, 4)] = v[i])); return full; };
  let OH: number, OW: number;
  if (sizesC && prod(sizesC.dims) > 0) {
    if (m.at.s('keep_aspect_ratio_policy', 'stretch') !== 'stretch') unsupported('keep_aspect_ratio_policy');
    const s = expand(intData(sizesC), -2);
    const sz = s.map((d, i) => (d === -2 ? x.shape[i] : d));
    if ((sz[0] !== N && N !== -1) || sz[1] !== C) unsupported('resizing the batch or channel dimension');
    [OH, OW] = [sz[2], sz[3]];
  } else if (scalesC && prod(scalesC.dims) > 0) {
    const s = expand(Array.from(m.f32Of(scalesC, 'scales')), 1);
    if (s[0] !== 1 || s[1] !== 1) unsupported('resizing the batch or channel dimension');
    OH = Math.floor(Math.fround(H * s[2])); OW = Math.floor(Math.fround(W * s[3]));
    // Alloy's kernel uses scale = OL / L (as onnxruntime does for sizes); given scales must agree
    if (Math.fround(OH / H) !== Math.fround(s[2]) || Math.fround(OW / W) !== Math.fround(s[3])) unsupported(`scales ${JSON.stringify(s)} do not give whole output sizes (${H}x${W} -> ${OH}x${OW})`);
  } else return fail('BAD_GRAPH', `${m.where()}: needs scales or sizes`);
  const y = m.out(m.output(), [N, C, OH, OW], true);
  m.emit('Resize', [m.nhwc(x)], y.name, { size: [OH, OW], mode: mode === 'linear' ? 'bilinear' : 'nearest', coordMode: coord, ...(mode === 'nearest' ? { nearestMode: nearest } : {}) });
  m.bind(m.output(), y);
};
