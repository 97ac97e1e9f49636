// <alloy-digit>: draw a digit, see what the MNIST MLP thinks, in f32 and in a mixed-precision
// bundle side by side. No framework; built by scripts/build-examples.ts with esbuild into
// build/examples/widget/alloy-digit.js next to index.html, alloy.wasm and the two bundles.
//
//   <alloy-digit wasm="alloy.wasm" f32="mnist-f32-probs.alloy" mixed="mnist-mixed-probs.alloy"></alloy-digit>
//
// Attribute URLs resolve against the document, so the folder works from any static file server.
// The bundles end in a Softmax node (output "probs"): the probabilities are computed by the wasm
// module like every other tensor value (docs/ARCHITECTURE.md rule 1); the page only sorts and prints them.
//
// Preprocessing, MNIST style: the ink's bounding box is cropped to a square 1.4x its longest side
// (so the digit fills the central 20x20 of 28x28), downscaled by the canvas in halving steps (an
// area-like filter), and the 28x28 grey bytes are turned into [0, 1] values by the module
// (dequantizeAffine u8, scale 1/255). For tests and for reproducing a result elsewhere the element
// exposes `input` (the 784 f32 values last run), `result` and data-* attributes with the hashes.
import { init, type Alloy, type Model } from '../../build/alloy.mjs';
import { describeBundle, sha256Hex } from '../shared/api.mjs';

const SIZE = 280; // drawing canvas, CSS and backing pixels (10x the 28x28 input)
const STROKE = 22;
const LATENCY_RUNS = 10;

interface Side { key: 'f32' | 'mixed'; label: string; model?: Model; info?: any; el: HTMLElement }
export interface SideResult { probs: number[]; top3: { digit: number; p: number }[]; sha256: string; ms: number }

const STYLE = `
:host { display: inline-block; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; }
.wrap { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.pad { display: flex; flex-direction: column; gap: 8px; align-items: center; }
canvas.draw { width: ${SIZE}px; height: ${SIZE}px; background: #000; border-radius: 8px; touch-action: none; cursor: crosshair; }
canvas.small { width: 84px; height: 84px; image-rendering: pixelated; background: #000; border-radius: 4px; }
.row { display: flex; gap: 8px; align-items: center; }
button { font: inherit; padding: 4px 14px; border-radius: 6px; border: 1px solid #aab; background: #f4f5f8; cursor: pointer; }
.side { width: 260px; border: 1px solid #dde; border-radius: 8px; padding: 10px 12px; background: #fff; }
.side h3 { margin: 0 0 6px; font-size: 15px; }
.bar { display: grid; grid-template-columns: 18px 1fr 64px; gap: 6px; align-items: center; margin: 3px 0; }
.bar .track { height: 12px; background: #eef; border-radius: 3px; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: #4a6cf7; transform-origin: left; }
.bar.top .digit { font-weight: 700; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0; }
.chip { font: 11px ui-monospace, monospace; padding: 1px 6px; border-radius: 10px; background: #e8ecf7; border: 1px solid #c9d2ea; }
.chip.f32 { background: #e9f6ec; border-color: #b9dfc2; }
.chip.f16, .chip.bf16 { background: #fff4dc; border-color: #eed59b; }
.chip.i8, .chip.i4, .chip.u8 { background: #fde7ea; border-color: #f1b9c2; }
.meta { font: 12px ui-monospace, monospace; color: #445; word-break: break-all; }
.empty { color: #889; }
`;

export class AlloyDigit extends HTMLElement {
  /** the 784 values (28x28, row-major, [0, 1]) of the last inference */
  input: Float32Array | null = null;
  /** the last results per side */
  result: { f32?: SideResult; mixed?: SideResult } = {};
  /** resolves when the module and both bundles are loaded */
  ready: Promise<void>;

  private alloy!: Alloy;
  private canvas!: HTMLCanvasElement;
  private ctx!: CanvasRenderingContext2D;
  private small!: HTMLCanvasElement;
  private sides: Side[] = [];
  private drawing = false;
  private last: [number, number] | null = null;
  private pending = false;
  private resolveReady!: () => void;
  private rejectReady!: (e: unknown) => void;

  constructor() {
    super();
    this.ready = new Promise((res, rej) => { this.resolveReady = res; this.rejectReady = rej; });
  }

  connectedCallback(): void {
    if (this.canvas) return;
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style>
      <div class="wrap">
        <div class="pad">
          <canvas class="draw" width="${SIZE}" height="${SIZE}" aria-label="drawing pad"></canvas>
          <div class="row"><button type="button" class="clear">Clear</button><canvas class="small" width="28" height="28" title="what the model sees (28x28)"></canvas></div>
        </div>
        <div class="side" data-side="f32"></div>
        <div class="side" data-side="mixed"></div>
      </div>`;
    this.canvas = root.querySelector('canvas.draw')!;
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    this.small = root.querySelector('canvas.small')!;
    this.sides = [
      { key: 'f32', label: 'f32', el: root.querySelector('[data-side="f32"]')! },
      { key: 'mixed', label: 'mixed precision', el: root.querySelector('[data-side="mixed"]')! },
    ];
    root.querySelector('button.clear')!.addEventListener('click', () => this.clear());
    this.bindPointer();
    this.clear();
    this.load().then(this.resolveReady, (e) => {
      this.setAttribute('data-state', 'error');
      for (const s of this.sides) s.el.innerHTML = `<h3>${s.label}</h3><div class="meta">${escapeHtml(String((e as Error)?.message ?? e))}</div>`;
      this.rejectReady(e);
    });
  }

  private url(attr: string, fallback: string): URL {
    return new URL(this.getAttribute(attr) ?? fallback, document.baseURI);
  }

  private async load(): Promise<void> {
    const fetchBytes = async (u: URL) => {
      const r = await fetch(u);
      if (!r.ok) throw new Error(`${u}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    };
    // The module as bytes, not init(url): instantiateStreaming needs the server to send
    // application/wasm, and plain static servers do not all do that.
    const [alloy, f32, mixed] = await Promise.all([
      fetchBytes(this.url('wasm', 'alloy.wasm')).then((b) => init(b)),
      fetchBytes(this.url('f32', 'mnist-f32-probs.alloy')),
      fetchBytes(this.url('mixed', 'mnist-mixed-probs.alloy')),
    ]);
    this.alloy = alloy;
    for (const [side, bytes] of [[this.sides[0], f32], [this.sides[1], mixed]] as const) {
      side.model = alloy.load(bytes);
      side.info = describeBundle(bytes, side.model);
      this.renderSide(side);
    }
    this.setAttribute('data-state', 'ready');
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, SIZE, SIZE);
    this.small.getContext('2d')!.clearRect(0, 0, 28, 28);
    this.input = null;
    this.result = {};
    this.removeAttribute('data-hash-f32');
    this.removeAttribute('data-hash-mixed');
    this.removeAttribute('data-top1-f32');
    this.removeAttribute('data-top1-mixed');
    for (const s of this.sides) if (s.model) this.renderSide(s);
  }

  // --- drawing -----------------------------------------------------------------------------------

  private point(e: { clientX: number; clientY: number }): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height];
  }

  private stroke(to: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.fillStyle = '#fff';
    c.lineWidth = STROKE;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    const from = this.last ?? to;
    c.beginPath();
    c.moveTo(from[0], from[1]);
    c.lineTo(to[0], to[1]);
    c.stroke();
    this.last = to;
    this.schedule();
  }

  private bindPointer(): void {
    const cv = this.canvas;
    const down = (e: { clientX: number; clientY: number }) => { this.drawing = true; this.last = null; this.stroke(this.point(e)); };
    const move = (e: { clientX: number; clientY: number }) => { if (this.drawing) this.stroke(this.point(e)); };
    const up = () => { if (!this.drawing) return; this.drawing = false; this.last = null; this.schedule(); };
    if (typeof PointerEvent !== 'undefined') {
      // pointer events cover mouse, touch and pen
      cv.addEventListener('pointerdown', (e) => { e.preventDefault(); cv.setPointerCapture?.(e.pointerId); down(e); });
      cv.addEventListener('pointermove', (e) => { for (const ce of (e.getCoalescedEvents?.() ?? [e])) move(ce); });
      cv.addEventListener('pointerup', up);
      cv.addEventListener('pointercancel', up);
    } else {
      cv.addEventListener('mousedown', (e) => { e.preventDefault(); down(e); });
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
      cv.addEventListener('touchstart', (e) => { e.preventDefault(); down(e.touches[0]); }, { passive: false });
      cv.addEventListener('touchmove', (e) => { e.preventDefault(); move(e.touches[0]); }, { passive: false });
      cv.addEventListener('touchend', up);
    }
  }

  /** at most one inference per animation frame while drawing */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.infer().catch((e) => console.error(e)); });
  }

  // --- preprocessing -------------------------------------------------------------------------------

  /** 28x28 grey bytes of the drawing, MNIST-style framing; null when nothing is drawn */
  private downsample(): Uint8Array | null {
    const img = this.ctx.getImageData(0, 0, SIZE, SIZE).data;
    let x0 = SIZE, y0 = SIZE, x1 = -1, y1 = -1;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (img[(y * SIZE + x) * 4] !== 0) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
      }
    }
    if (x1 < 0) return null;
    // a square crop around the ink's box, 28/20 of its longest side, on black
    const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
    let crop = Math.max(28, Math.ceil((side * 28) / 20));
    const cx = (x0 + x1 + 1) / 2, cy = (y0 + y1 + 1) / 2;
    let cur = document.createElement('canvas');
    cur.width = cur.height = crop;
    let c = cur.getContext('2d')!;
    c.fillStyle = '#000';
    c.fillRect(0, 0, crop, crop);
    c.drawImage(this.canvas, Math.round(crop / 2 - cx), Math.round(crop / 2 - cy));
    // halve while more than twice the target, then one last step to 28x28
    while (crop > 56) {
      const next = Math.ceil(crop / 2);
      const n = document.createElement('canvas');
      n.width = n.height = next;
      const nc = n.getContext('2d')!;
      nc.imageSmoothingEnabled = true;
      nc.imageSmoothingQuality = 'high';
      nc.drawImage(cur, 0, 0, crop, crop, 0, 0, next, next);
      cur = n; c = nc; crop = next;
    }
    const sc = this.small.getContext('2d', { willReadFrequently: true })!;
    sc.imageSmoothingEnabled = true;
    sc.imageSmoothingQuality = 'high';
    sc.fillStyle = '#000';
    sc.fillRect(0, 0, 28, 28);
    sc.drawImage(cur, 0, 0, crop, crop, 0, 0, 28, 28);
    const px = sc.getImageData(0, 0, 28, 28).data;
    const grey = new Uint8Array(784);
    for (let i = 0; i < 784; i++) grey[i] = px[i * 4]; // white ink: the red channel is the grey level
    return grey;
  }

  // --- inference -----------------------------------------------------------------------------------

  async infer(): Promise<void> {
    if (!this.sides[0]?.model) return;
    const grey = this.downsample();
    if (!grey) { this.clear(); return; }
    // bytes -> [0, 1] in the module: (code - 0) * (1/255), one f32 multiply per value
    const input = this.alloy.dequantizeAffine('u8', { codes: grey, scales: new Float32Array([1 / 255]), zeroPoints: new Int32Array(1), groupSize: 784 });
    this.input = input;
    for (const s of this.sides) {
      const m = s.model!;
      const feed = { [m.inputs[0].name]: { data: input, shape: [1, 784] } };
      const out = m.run(feed);
      // latency: the mean of a few more runs (browsers round performance.now() to 0.1 ms or so)
      const t0 = performance.now();
      for (let i = 0; i < LATENCY_RUNS; i++) m.run(feed);
      const ms = (performance.now() - t0) / LATENCY_RUNS;
      const probs = out[m.outputs[0].name].data;
      // comparisons only (no arithmetic on the probabilities): larger first, ties by digit
      const order = Array.from(probs.keys()).sort((a, b) => (probs[a] > probs[b] ? -1 : probs[a] < probs[b] ? 1 : a - b));
      const r: SideResult = {
        probs: Array.from(probs),
        top3: order.slice(0, 3).map((d) => ({ digit: d, p: probs[d] })),
        sha256: await sha256Hex(new Uint8Array(probs.buffer, probs.byteOffset, probs.byteLength)),
        ms,
      };
      this.result[s.key] = r;
      this.setAttribute(`data-hash-${s.key}`, r.sha256);
      this.setAttribute(`data-top1-${s.key}`, String(r.top3[0].digit));
      this.renderSide(s);
    }
    this.dispatchEvent(new CustomEvent('alloy-result', { detail: this.result }));
  }

  // --- rendering -----------------------------------------------------------------------------------

  private renderSide(s: Side): void {
    const info = s.info;
    const r = this.result[s.key];
    const chips = (info?.layers ?? []).map((l: any) => {
      const fmt = l.weights ?? l.activations;
      const text = l.weights ? `${l.name} w:${l.weights} a:${l.activations} acc:${l.accumulator}` : `${l.name} ${l.op} a:${l.activations}`;
      return `<span class="chip ${escapeHtml(fmt)}" title="${escapeHtml(l.op)}">${escapeHtml(text)}</span>`;
    }).join('');
    const bars = r
      ? r.top3.map((t, i) => `<div class="bar${i === 0 ? ' top' : ''}"><span class="digit">${t.digit}</span><span class="track"><span class="fill" style="transform:scaleX(${t.p})"></span></span><span class="p">${t.p.toFixed(4)}</span></div>`).join('')
      : '<div class="empty">draw a digit</div>';
    s.el.innerHTML = `<h3>${escapeHtml(s.label)} <span class="meta">${info ? `${(info.bytes / 1024).toFixed(0)} KiB` : ''}</span></h3>
      <div class="top3">${bars}</div>
      <div class="chips">${chips}</div>
      <div class="meta latency">latency ${r ? `${(r.ms * 1000).toFixed(0)} us (batch 1, mean of ${LATENCY_RUNS})` : '-'}</div>
      <div class="meta hash">sha256 <span class="sha">${r ? r.sha256 : '-'}</span></div>`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

if (!customElements.get('alloy-digit')) customElements.define('alloy-digit', AlloyDigit);
