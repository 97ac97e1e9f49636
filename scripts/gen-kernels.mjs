// The GEMM microkernel body, written once: `node scripts/gen-kernels.mjs` rewrites every region
//   // @gen <template> key=value ...
//   ...generated...
//   // @end
// in assembly/ from the templates below (the cog idea: the generated code stays in place, in the
// file whose loop it belongs to, and is committed). `--check` changes nothing and exits 1 when a
// region is stale (test/kernels/gen.test.ts). The templates emit exactly the per-accumulator
// order the scalar references sum in: one k step, every accumulator acc = acc + x * w (or the
// i16 dot), separate multiply and add (docs/ARCHITECTURE.md rule 2: no FMA).
//
// Templates:
//   splat  rows=R src=<expr, %r the row, ~ a space>  const v0 = v128.load32_splat(<src 0>), v1 = ...;  (2 a line)
//   mac    rows=R cols=C w=w0,w1 [op=f32|dot] [v=v]  a<r><c> = acc(a<r><c>, v<r> x w<c>);
//          one line per row ([rowload=<ptr>]: each row's splat loaded just before it, b<r> from
//          <ptr> + 16 r, as the 5x8 kernel over pre-splatted A does)
//   mac1   v=<splat> w=<e0>|<e1>|... [per=P] [op=f32|dot]  one row: a<c> = acc(a<c>, v x <e c>),
//          P a line (the 1x8 / 1x16 / 1x32 row paths; ~ a space in the expressions)

import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

const OPS = {
  f32: (a, v, w) => `${a} = f32x4.add(${a}, f32x4.mul(${v}, ${w}));`,
  dot: (a, v, w) => `${a} = i32x4.add(${a}, i32x4.dot_i16x8_s(${w}, ${v}));`,
};

const TEMPLATES = {
  splat(p, ind) {
    const rows = +p.rows, out = [];
    for (let r = 0; r < rows; r += 2) {
      const one = (i) => `v${i} = v128.load32_splat(${p.src.replaceAll('%r', String(i)).replaceAll('~', ' ')})`;
      out.push(`${ind}const ${[r, r + 1].filter((i) => i < rows).map(one).join(', ')};`);
    }
    return out;
  },
  mac(p, ind) {
    const rows = +p.rows, ws = p.w.split(','), op = OPS[p.op ?? 'f32'], v = p.v ?? 'v';
    const out = [];
    for (let r = 0; r < rows; r++) {
      if (p.rowload) out.push(`${ind}const b${r} = v128.load(${p.rowload}, ${16 * r});`);
      const src = p.rowload ? `b${r}` : `${v}${r}`;
      out.push(ind + ws.map((w, c) => op(`a${r}${c}`, src, w)).join(' '));
    }
    return out;
  },
  mac1(p, ind) {
    const ws = p.w.replaceAll('~', ' ').split('|'), op = OPS[p.op ?? 'f32'], per = +(p.per ?? 1), out = [];
    for (let c = 0; c < ws.length; c += per) out.push(ind + ws.slice(c, c + per).map((w, i) => op(`a${c + i}`, p.v, w)).join(' '));
    return out;
  },
};

export function expand(text, file = "<text>") {
  const lines = text.split('\n'), out = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = lines[i].match(/^(\s*)\/\/ @gen (\w+)((?: \w+=\S+)*)\s*$/);
    if (!m) continue;
    const [, ind, name, args] = m;
    const t = TEMPLATES[name];
    if (!t) throw new Error(`${file}:${i + 1}: no template ${name}`);
    const p = Object.fromEntries(args.trim().split(/\s+/).filter(Boolean).map((kv) => kv.split('=')));
    let j = i + 1;
    while (j < lines.length && !/^\s*\/\/ @end\s*$/.test(lines[j])) j++;
    if (j === lines.length) throw new Error(`${file}:${i + 1}: @gen without @end`);
    out.push(...t(p, ind), lines[j]);
    i = j;
  }
  return out.join('\n');
}

export function generate(check = false) {
  const stale = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      if (!f.endsWith('.ts')) continue;
      const s = readFileSync(p, 'utf8');
      if (!s.includes('// @gen ')) continue;
      const t = expand(s, p);
      if (t !== s) { stale.push(p.slice(root.length)); if (!check) writeFileSync(p, t); }
    }
  };
  walk(join(root, 'assembly'));
  return stale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  const stale = generate(check);
  if (check && stale.length) { console.error(`stale generated regions (run node scripts/gen-kernels.mjs): ${stale.join(', ')}`); process.exit(1); }
  console.log(stale.length ? `${check ? 'stale' : 'regenerated'}: ${stale.join(', ')}` : 'generated regions fresh');
}
