// The planner's report: per-layer tables, the sensitivity plot and the Pareto plot as inline SVG,
// the chosen map, size and latency before / after. One self-contained HTML file (no scripts,
// no external resources).

import type { PlanResult } from './planner.js';

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));
export const fmtNum = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4));
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export interface Series { name: string; points: [number, number][]; line?: boolean; color?: string; highlight?: number }

/** A scatter / line plot as an SVG element (no namespace attribute needed inline in HTML). */
export function svgPlot(series: Series[], o: { title: string; xLabel: string; yLabel: string; logY?: boolean; hline?: { y: number; label: string }; width?: number; height?: number; xTicks?: string[] }): string {
  const W = o.width ?? 640, H = o.height ?? 320, L = 70, R = 150, T = 30, B = 45;
  const ty = (y: number) => (o.logY ? Math.log10(Math.max(y, 1e-12)) : y);
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(ty(y)));
  const ys = all.map(([, y]) => ty(y)).concat(o.hline ? [ty(o.hline.y)] : []);
  let x0 = Math.min(...all.map(([x]) => x)), x1 = Math.max(...all.map(([x]) => x));
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (!all.length) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y: number) => H - B - ((ty(y) - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [`<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}" style="background:#fff;font:11px sans-serif">`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(o.title)}</text>`);
  parts.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#000"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#000"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4, y = H - B - ((H - T - B) * i) / 4;
    parts.push(`<line x1="${L - 4}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#eee"/><text x="${L - 6}" y="${y + 4}" text-anchor="end">${esc(o.logY ? `1e${v.toFixed(1)}` : fmtNum(v))}</text>`);
  }
  if (o.xTicks) o.xTicks.forEach((t, i) => parts.push(`<text x="${px(i)}" y="${H - B + 14}" text-anchor="middle">${esc(t)}</text>`));
  else for (let i = 0; i <= 4; i++) { const v = x0 + ((x1 - x0) * i) / 4; parts.push(`<text x="${px(v)}" y="${H - B + 14}" text-anchor="middle">${esc(fmtNum(v))}</text>`); }
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text x="14" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(T + H - B) / 2})">${esc(o.yLabel)}${o.logY ? ' (log)' : ''}</text>`);
  if (o.hline && Number.isFinite(ty(o.hline.y))) {
    const y = py(o.hline.y);
    parts.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#888" stroke-dasharray="4 3"/><text x="${W - R - 2}" y="${y - 3}" text-anchor="end" fill="#555">${esc(o.hline.label)}</text>`);
  }
  series.forEach((s, si) => {
    const c = s.color ?? COLORS[si % COLORS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(ty(y)));
    if (s.line && pts.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    pts.forEach(([x, y], i) => parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${i === s.highlight ? 6 : 3.5}" fill="${i === s.highlight ? 'none' : c}" stroke="${c}" stroke-width="${i === s.highlight ? 2.5 : 1}"><title>${esc(`${s.name}: (${fmtNum(x)}, ${fmtNum(y)})`)}</title></circle>`));
    parts.push(`<rect x="${W - R + 12}" y="${T + si * 16}" width="10" height="10" fill="${c}"/><text x="${W - R + 26}" y="${T + si * 16 + 9}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function sensitivityPlot(r: PlanResult): string {
  const series: Series[] = r.formats.map((f) => ({ name: `${f} (perturb)`, line: true, points: r.layers.map((l, i) => [i, Math.max(1e-9, l.byFormat[f].degradation)] as [number, number]) }));
  if (r.layers.some((l) => l.hessianTrace !== undefined)) {
    r.formats.forEach((f) => series.push({ name: `${f} (hawq)`, points: r.layers.map((l, i) => [i, Math.max(1e-9, l.byFormat[f].hawq ?? NaN)] as [number, number]) }));
  }
  return svgPlot(series, { title: 'Sensitivity per layer', xLabel: 'layer index (weighted layers, graph order)', yLabel: `degradation of ${r.metric} / hawq loss`, logY: true, xTicks: r.layers.map((l) => l.layer), hline: { y: r.allowed, label: 'allowed' } });
}

export function paretoPlot(r: PlanResult): string {
  const front = r.result.front;
  if (front && front.length) {
    const measured = front.filter((f) => f.degradation !== undefined);
    const chosen = measured.findIndex((f) => f.cost === r.result.cost && f.degradation === r.result.degradation);
    return svgPlot([
      { name: 'front (proxy)', line: true, points: front.map((f) => [f.cost / 1024, f.proxy]) },
      { name: 'measured', points: measured.map((f) => [f.cost / 1024, f.degradation!]), highlight: chosen >= 0 ? chosen : undefined },
    ], { title: 'Pareto front: weight bytes against degradation', xLabel: 'weights, KiB', yLabel: `degradation of ${r.metric}`, hline: { y: r.allowed, label: 'allowed' } });
  }
  // greedy / binary: the evaluated assignments are the trade-off curve
  const steps = r.result.steps;
  return svgPlot([
    { name: 'evaluated', points: steps.map((s) => [s.cost / 1024, s.degradation]) },
    { name: 'chosen', points: [[r.result.cost / 1024, r.result.degradation]], highlight: 0 },
  ], { title: `Cost against degradation (${r.search} search)`, xLabel: 'weights, KiB', yLabel: `degradation of ${r.metric}`, hline: { y: r.allowed, label: 'allowed' } });
}

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function layerTableRows(r: PlanResult): { head: string[]; rows: string[][] } {
  const head = ['#', 'layer', 'op', 'params', 'f32 bytes', 'Hessian trace (± s.e.)'];
  for (const f of r.formats) head.push(`${f} bytes`, `${f} Δ${r.metric}`, `${f} hawq`, `${f} secant`, `${f} 1st order`);
  const rows = r.layers.map((l) => {
    const row = [String(l.index), l.layer, l.op, String(l.params), String(l.bytes), l.hessianTrace === undefined ? '-' : `${fmtNum(l.hessianTrace)} ± ${fmtNum(l.hessianStdErr)}`];
    for (const f of r.formats) { const s = l.byFormat[f]; row.push(String(s.bytes), fmtNum(s.degradation), fmtNum(s.hawq), fmtNum(s.secant), fmtNum(s.firstOrder)); }
    return row;
  });
  return { head, rows };
}

export function htmlReport(r: PlanResult, o: { model: string; calib: string; command?: string }): string {
  const lt = layerTableRows(r);
  const mapRows = r.layers.map((l) => {
    const e = r.map.layers?.[l.layer] ?? {};
    const c = r.result.assign[l.layer];
    return [l.layer, e.weights ?? 'as stored', e.granularity ? `${e.granularity}${e.groupSize ? ` ${e.groupSize}` : ''}` : '-', e.activations ?? '-', e.accumulator ?? '-', String(l.bytes), String(c ? l.byFormat[c].bytes : l.bytes)];
  });
  const lat = r.latency ? `<tr><td>latency (batch 1, median of ${r.latency.runs} after ${r.latency.warmupMs} ms warm-up)</td><td>${r.latency.beforeMs.toFixed(3)} ms</td><td>${r.latency.afterMs.toFixed(3)} ms</td></tr>` : '';
  const calib = r.calibration as any;
  const calibRows = calib ? Object.entries(calib.layers as Record<string, any>).map(([n, v]) => [n, v.tensor, JSON.stringify(v.shape), String(v.min.length), fmtNum(Math.min(...v.min)), fmtNum(Math.max(...v.max)), fmtNum(v.scale[0])]) : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Alloy precision plan: ${esc(o.model)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 20px;font-size:12px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th{background:#f3f3f3}td:nth-child(2),td:first-child{text-align:left}.ok{color:#060}.bad{color:#a00}
.plots{display:flex;flex-wrap:wrap;gap:16px}code{background:#f5f5f5;padding:1px 4px}
</style></head><body>
<h1>Precision plan</h1>
<p>model <code>${esc(o.model)}</code>, calibration data <code>${esc(o.calib)}</code>${o.command ? `<br>command <code>${esc(o.command)}</code>` : ''}</p>
<p>metric <b>${esc(r.metric)}</b> (${r.higherBetter ? 'higher' : 'lower'} is better), FP32 baseline ${fmtNum(r.baseline)};
tolerance ${fmtNum(r.tolerance.value)} ${r.tolerance.relative ? 'relative' : 'absolute'} &rarr; allowed degradation ${fmtNum(r.allowed)}.
Search <b>${esc(r.search)}</b> over ${esc(r.formats.join(', '))}, layers ranked by ${esc(r.rankBy)}; ${r.evaluations} model runs, ${r.seconds.toFixed(1)} s.</p>
<p>Result: ${esc(r.metric)} ${fmtNum(r.after.metric)}, degradation ${fmtNum(r.after.degradation)}
<span class="${r.after.ok ? 'ok' : 'bad'}">${r.after.ok ? 'within tolerance' : 'OUT OF TOLERANCE'}</span>.</p>
<h2>Size and latency</h2>
${table(['', 'before', 'after'], [['bundle', kb(r.size.before), kb(r.size.after)], ['weights of the planned layers', kb(r.size.weightsBefore), kb(r.size.weightsAfter)]]).replace('</tbody>', `${lat}</tbody>`)}
<h2>Chosen precision map</h2>
${table(['layer', 'weights', 'granularity', 'activations', 'accumulator', 'bytes before', 'bytes after'], mapRows)}
<details><summary>map JSON</summary><pre>${esc(JSON.stringify(r.map, null, 2))}</pre></details>
<h2>Plots</h2>
<div class="plots">${sensitivityPlot(r)}${paretoPlot(r)}</div>
<h2>Sensitivity per layer</h2>
<p>Δ = measured degradation with only that layer in the format (perturbation); hawq = ½ · tr(H)/n · ‖Q(w) − w‖²
(Hutchinson trace, loss units); secant = L(Q(w)) − L(w); 1st order = (L(w + Δw) − L(w − Δw)) / 2 with Δw = Q(w) − w.</p>
${table(lt.head, lt.rows)}
<h3>Rank correlations (Spearman)</h3>
${table(['estimate', 'ρ'], Object.entries(r.correlations).map(([k, v]) => [k, fmtNum(v)]))}
<h2>Search steps</h2>
${table(['#', 'note', 'layers moved', 'weight bytes', 'degradation', 'ok'], r.result.steps.map((s, i) => [String(i + 1), s.note ?? '', Object.entries(s.assign).map(([l, c]) => `${l}:${c}`).join(' ') || '(none)', String(s.cost), fmtNum(s.degradation), s.ok ? 'yes' : 'no']))}
${calib ? `<h2>Activation calibration</h2><p>method ${esc(calib.method)}, ${calib.symmetric ? 'symmetric' : 'asymmetric'}, per ${esc(calib.granularity)}, ${calib.samples} samples; i8 scales (first group shown).</p>
${table(['node', 'tensor', 'shape', 'groups', 'min', 'max', 'scale'], calibRows)}` : ''}
</body></html>
`;
}
