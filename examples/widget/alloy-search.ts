// <alloy-search>: semantic search over a few hundred KJV verses, in the browser. Built by
// scripts/build-examples-text.ts with esbuild into build/examples/widget/alloy-search.js next to
// search.html, alloy.wasm and the files the attributes name:
//
//   <alloy-search wasm="alloy.wasm" encoder="text-f32.alloy" tokenizer="tokenizer.json"
//                 verses="verses.json" scores="verses-scores.alloy"></alloy-search>
//
// The query is tokenized by alloy-runtime/text (string work), embedded by the encoder bundle (its
// last node L2-normalises), and scored by verses-scores.alloy, whose graph is
// MatMul(query, Transpose(verses)) over the verses' embeddings (computed at build time by the same
// encoder through Alloy). Every tensor value comes from the module (docs/ARCHITECTURE.md rule 1):
// the page only sorts the scores and prints them. For tests the element exposes `result` and
// data-* attributes with the hashes.
import { init, type Alloy, type Model } from '../../build/alloy.mjs';
import { loadTokenizer, type TextTokenizer } from '../../build/alloy-text.mjs';
import { sha256Hex } from '../shared/api.mjs';

const TOP = 5;
const MAX_TOKENS = 128;

export interface SearchResult {
  query: string;
  ids: number[];
  /** SHA-256 (hex) of the query's f32 embedding, and of the f32 scores */
  sha256: string;
  scoresSha256: string;
  top: { index: number; ref: string; text: string; score: number }[];
  ms: number;
}

const STYLE = `
:host { display: block; max-width: 56em; font: 14px/1.45 system-ui, sans-serif; color: #1d2330; }
form { display: flex; gap: 8px; margin-bottom: 12px; }
input { flex: 1; font: inherit; padding: 6px 10px; border-radius: 6px; border: 1px solid #aab; }
button { font: inherit; padding: 4px 14px; border-radius: 6px; border: 1px solid #aab; background: #f4f5f8; cursor: pointer; }
ol { margin: 0; padding-left: 1.6em; }
li { margin: 6px 0; background: #fff; border: 1px solid #dde; border-radius: 8px; padding: 6px 10px; }
.ref { font-weight: 600; margin-right: 6px; }
.score { font: 12px ui-monospace, monospace; color: #4a6cf7; float: right; margin-left: 8px; }
.meta { font: 12px ui-monospace, monospace; color: #445; word-break: break-all; margin-top: 8px; }
`;

export class AlloySearch extends HTMLElement {
  result: SearchResult | null = null;
  ready: Promise<void>;
  private alloy!: Alloy;
  private tokenizer!: TextTokenizer;
  private encoder!: Model;
  private scorer!: Model;
  private verses: { ref: string; text: string }[] = [];
  private root!: ShadowRoot;
  private resolveReady!: () => void;
  private rejectReady!: (e: unknown) => void;

  constructor() {
    super();
    this.ready = new Promise((res, rej) => { this.resolveReady = res; this.rejectReady = rej; });
  }

  connectedCallback(): void {
    if (this.root) return;
    this.root = this.attachShadow({ mode: 'open' });
    this.root.innerHTML = `<style>${STYLE}</style>
      <form><input type="search" name="q" placeholder="e.g. the Lord is my shepherd" aria-label="query" autocomplete="off"><button type="submit">Search</button></form>
      <div class="out"><div class="meta">loading...</div></div>`;
    this.root.querySelector('form')!.addEventListener('submit', (e) => {
      e.preventDefault();
      this.search((this.root.querySelector('input') as HTMLInputElement).value).catch((x) => this.showError(x));
    });
    this.load().then(() => { this.setAttribute('data-state', 'ready'); this.render(); this.resolveReady(); }, (e) => {
      this.setAttribute('data-state', 'error');
      this.showError(e);
      this.rejectReady(e);
    });
  }

  private url(attr: string, fallback: string): URL { return new URL(this.getAttribute(attr) ?? fallback, document.baseURI); }

  private async load(): Promise<void> {
    const get = async (attr: string, fallback: string) => {
      const u = this.url(attr, fallback);
      const r = await fetch(u);
      if (!r.ok) throw new Error(`${u}: HTTP ${r.status}`);
      return r;
    };
    const bytes = async (r: Promise<Response>) => new Uint8Array(await (await r).arrayBuffer());
    // the module as bytes (plain static servers do not all send application/wasm)
    const [alloy, encoder, scorer, tokenizer, verses] = await Promise.all([
      bytes(get('wasm', 'alloy.wasm')).then((b) => init(b)),
      bytes(get('encoder', 'text-f32.alloy')), bytes(get('scores', 'verses-scores.alloy')),
      get('tokenizer', 'tokenizer.json').then((r) => r.text()), get('verses', 'verses.json').then((r) => r.json()),
    ]);
    this.alloy = alloy;
    this.encoder = alloy.load(encoder);
    this.scorer = alloy.load(scorer);
    this.tokenizer = loadTokenizer(tokenizer, { maxLength: MAX_TOKENS });
    this.verses = verses;
  }

  /** Embeds `query`, scores every verse, shows the top 5. */
  async search(query: string): Promise<SearchResult> {
    await this.ready;
    const t0 = performance.now();
    const batch = this.tokenizer.encodeBatch([query], { truncation: true });
    const e = this.encoder.run(batch.feeds(this.encoder.inputs.map((i) => i.name)));
    const emb = e[this.encoder.outputs[0].name];
    const s = this.scorer.run({ [this.scorer.inputs[0].name]: { data: emb.data as Float32Array, shape: emb.shape } });
    const scores = s[this.scorer.outputs[0].name].data as Float32Array;
    const ms = performance.now() - t0;
    // comparisons only: higher first, ties by verse order
    const order = Array.from(scores.keys()).sort((a, b) => (scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : a - b));
    const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const r: SearchResult = {
      query,
      ids: Array.from(batch.input_ids.data, Number),
      sha256: await sha256Hex(bytesOf(emb.data as Float32Array)),
      scoresSha256: await sha256Hex(bytesOf(scores)),
      top: order.slice(0, TOP).map((i) => ({ index: i, ref: this.verses[i].ref, text: this.verses[i].text, score: scores[i] })),
      ms,
    };
    this.result = r;
    this.setAttribute('data-hash', r.sha256);
    this.setAttribute('data-scores-hash', r.scoresSha256);
    this.setAttribute('data-top1', r.top[0].ref);
    this.render();
    this.dispatchEvent(new CustomEvent('alloy-result', { detail: r }));
    return r;
  }

  private render(): void {
    const out = this.root.querySelector('.out')!;
    const r = this.result;
    if (!r) { out.innerHTML = `<div class="meta">${this.verses.length} verses, ${this.scorer.outputs[0].shape[1]} scores per query; type a query</div>`; return; }
    out.innerHTML = `<ol>${r.top.map((t) => `<li><span class="score">${t.score.toFixed(4)}</span><span class="ref">${esc(t.ref)}</span>${esc(t.text)}</li>`).join('')}</ol>
      <div class="meta">${r.ids.length} tokens, ${(r.ms).toFixed(1)} ms (tokenize + embed + score)</div>
      <div class="meta">embedding sha256 <span class="sha">${r.sha256}</span></div>
      <div class="meta">scores sha256 <span class="scores-sha">${r.scoresSha256}</span></div>`;
  }

  private showError(e: unknown): void {
    this.root.querySelector('.out')!.innerHTML = `<div class="meta error">${esc(String((e as Error)?.message ?? e))}</div>`;
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

if (!customElements.get('alloy-search')) customElements.define('alloy-search', AlloySearch);
