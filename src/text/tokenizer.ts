// Text in: a Hugging Face tokenizer.json (WordPiece as BERT uses it, byte-level BPE as GPT-2 uses
// it) turned into token ids and the int64 feeds an encoder bundle takes. The tokenization itself
// is @huggingface/tokenizers (Tokenizers.js, pure JS, no dependencies), with its BertNormalizer
// replaced by an exact one (./normalizer.ts says why). This module adds what Alloy needs around it:
// AlloyErrors naming the place, truncation and padding to a batch, BigInt64Array feeds.
//
// Tokenization is string work, not tensor arithmetic (docs/ARCHITECTURE.md rule 1 is about tensor
// values): it runs in JS, and the same in every runtime (no Intl, no locale: String#normalize and
// String#toLowerCase follow the Unicode data of the engine; tested in Node, Deno, Chromium, workerd).
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { AlloyError, detail } from '../runtime/errors.js';
import { bertNormalizer } from './normalizer.js';
import { inputRole } from './roles.js';

/** One text's tokens, with the special tokens of the tokenizer's post-processor ([CLS] ... [SEP]). */
export interface Encoding {
  ids: number[];
  tokens: string[];
  attentionMask: number[];
  tokenTypeIds: number[];
}

/** An int64 input of shape [batch, length], as `model.run()` takes it. */
export interface IdFeed { data: BigInt64Array; shape: [number, number] }

export interface TextBatch {
  input_ids: IdFeed;
  attention_mask: IdFeed;
  token_type_ids: IdFeed;
  /** tokens per text (before padding) */
  tokens: string[][];
  /** tokens per text (before padding): the number of ones in its mask row */
  lengths: number[];
  /** The feeds for a model's inputs by name (./roles.ts): a name containing "mask" gets
   *  attention_mask, "type" or "segment" token_type_ids, "id" or "input" input_ids. */
  feeds(names: readonly string[]): Record<string, IdFeed>;
}

export interface EncodeOptions {
  /** longest allowed, special tokens included (default: the tokenizer's maxLength) */
  maxLength?: number;
  /** cut over-long texts to maxLength (keeping the special tokens) instead of BAD_ARGUMENT */
  truncation?: boolean;
}

export interface BatchOptions extends EncodeOptions {
  /** 'longest' (default): pad to the longest text of the batch; 'max_length': to maxLength */
  padding?: 'longest' | 'max_length';
}

export interface DecodeOptions {
  /** drop [CLS], [SEP], [PAD], <|endoftext|> ... (default true, as tokenizers' decode) */
  skipSpecialTokens?: boolean;
}

export interface LoadOptions {
  /** longest sequence the model takes, special tokens included: the tokenizer.json's
   *  truncation.max_length when it has one, else 512 */
  maxLength?: number;
  /** texts longer than this many UTF-16 units are refused before tokenizing (default 1 << 20) */
  maxChars?: number;
}

export interface TextTokenizer {
  /** 'WordPiece' | 'BPE' */
  readonly model: string;
  readonly vocabSize: number;
  readonly maxLength: number;
  readonly padId: number;
  encode(text: string, options?: EncodeOptions): Encoding;
  encodeBatch(texts: readonly string[], options?: BatchOptions): TextBatch;
  /** Encodings (from encode()) padded into one batch, as encodeBatch() does */
  pad(encodings: readonly Encoding[], options?: { padding?: 'longest' | 'max_length'; maxLength?: number }): TextBatch;
  decode(ids: ArrayLike<number | bigint>, options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

const MODELS = ['WordPiece', 'BPE'];
const MAX_BATCH = 1 << 16;

const bad = (message: string) => new AlloyError('BAD_ARGUMENT', message);
function paddingOf(p: unknown): 'longest' | 'max_length' {
  if (p === undefined) return 'longest';
  if (p !== 'longest' && p !== 'max_length') throw bad(`padding ${JSON.stringify(p)} (known: "longest", "max_length")`);
  return p;
}
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a tokenizer.json (its text or the parsed object). */
export function loadTokenizer(json: string | object, options: LoadOptions = {}): TextTokenizer {
  let spec: unknown = json;
  if (typeof json === 'string') {
    try { spec = JSON.parse(json); } catch (e) { throw bad(`tokenizer.json is not valid JSON: ${(e as Error).message}`); }
  }
  if (!isObject(spec)) throw bad(`tokenizer.json must be a JSON object, got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}`);
  const m = spec.model;
  if (!isObject(m)) throw bad('tokenizer.json: "model" is missing or not an object');
  if (!MODELS.includes(m.type)) throw bad(`tokenizer.json: model.type ${JSON.stringify(m.type)} is not supported (supported: ${MODELS.join(', ')})`);
  if (!isObject(m.vocab)) throw bad(`tokenizer.json: model.vocab of the ${m.type} model must be an object of token -> id`);
  for (const [t, id] of Object.entries(m.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) throw bad(`tokenizer.json: model.vocab[${JSON.stringify(t)}] is ${JSON.stringify(id)}, not an id >= 0`);
  }
  if (m.type === 'BPE' && !Array.isArray(m.merges)) throw bad('tokenizer.json: model.merges of the BPE model must be an array');
  if (m.type === 'WordPiece' && (typeof m.unk_token !== 'string' || !Object.hasOwn(m.vocab, m.unk_token))) {
    throw bad(`tokenizer.json: model.unk_token ${JSON.stringify(m.unk_token)} of the WordPiece model is not in its vocab`);
  }
  const added = spec.added_tokens ?? [];
  if (!Array.isArray(added) || !added.every((a) => isObject(a) && typeof a.content === 'string' && Number.isInteger(a.id) && a.id >= 0)) {
    throw bad('tokenizer.json: added_tokens must be an array of { id, content, ... }');
  }
  const maxLength = options.maxLength ?? spec.truncation?.max_length ?? 512;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw bad(`loadTokenizer: maxLength ${JSON.stringify(maxLength)} must be an integer >= 1`);
  const maxChars = options.maxChars ?? 1 << 20;
  if (!Number.isInteger(maxChars) || maxChars < 0) throw bad(`loadTokenizer: maxChars ${JSON.stringify(maxChars)} must be an integer >= 0`);

  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer({ normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...spec, added_tokens: added }, {});
  } catch (e) {
    throw bad(`tokenizer.json: ${detail(e)}`);
  }
  if (isObject(spec.normalizer) && spec.normalizer.type === 'BertNormalizer') {
    // the Tokenizer calls its normalizer as a function (a Callable); a plain function is one
    (hf as any).normalizer = bertNormalizer(spec.normalizer as any);
  }
  return new Text(hf, m.type, maxLength, maxChars, padIdOf(spec, hf));
}

/** tokenizer.json's padding.pad_id, else the id of [PAD] / <pad>, else 0 (tokenizers' PaddingParams
 *  default). Padded positions have mask 0, so an encoder that masks never reads them. */
function padIdOf(spec: Record<string, any>, hf: HfTokenizer): number {
  if (Number.isInteger(spec.padding?.pad_id)) return spec.padding.pad_id;
  return hf.token_to_id('[PAD]') ?? hf.token_to_id('<pad>') ?? 0;
}

class Text implements TextTokenizer {
  readonly vocabSize: number;
  private readonly unkId: number | undefined;
  private readonly specials: number;
  private readonly specialIds: Set<number>;

  constructor(private readonly hf: HfTokenizer, readonly model: string, readonly maxLength: number, private readonly maxChars: number, readonly padId: number) {
    this.vocabSize = hf.model!.vocab.length;
    this.unkId = hf.model!.unk_token_id;
    this.specials = this.post([]).tokens.length;
    this.specialIds = new Set([...hf.get_added_tokens_decoder()].filter(([, t]) => t.special).map(([id]) => id));
  }

  private post(tokens: string[]): { tokens: string[]; types: number[] } {
    const p = this.hf.post_processor;
    const r = p ? p(tokens, null, true) : { tokens };
    return { tokens: r.tokens, types: r.token_type_ids ?? new Array(r.tokens.length).fill(0) };
  }

  encode(text: string, options: EncodeOptions = {}, where = 'encode: the text'): Encoding {
    if (typeof text !== 'string') throw bad(`${where} is ${text === null ? 'null' : typeof text}, not a string`);
    if (text.length > this.maxChars) throw bad(`${where} has ${text.length} characters, over the limit of ${this.maxChars}`);
    const max = this.limit(options.maxLength);
    let content: string[];
    try {
      content = this.hf.tokenize(text, { add_special_tokens: false });
    } catch (e) {
      throw bad(`${where}: ${detail(e)}`);
    }
    const room = max - this.specials;
    if (content.length > room) {
      if (!options.truncation) throw bad(`${where} is ${content.length + this.specials} tokens long (special tokens included), over maxLength ${max}: shorten it or pass truncation: true`);
      content = content.slice(0, Math.max(room, 0));
    }
    const { tokens, types } = this.post(content);
    const ids = tokens.map((t, i) => {
      const id = this.hf.token_to_id(t) ?? this.unkId;
      if (id === undefined) throw bad(`${where}: token ${i} ${JSON.stringify(t)} is not in the vocab and the model has no unk_token`);
      return id;
    });
    return { ids, tokens, attentionMask: new Array(ids.length).fill(1), tokenTypeIds: types };
  }

  encodeBatch(texts: readonly string[], options: BatchOptions = {}): TextBatch {
    if (!Array.isArray(texts) || texts.length === 0) throw bad('encodeBatch: texts must be a non-empty array of strings');
    if (texts.length > MAX_BATCH) throw bad(`encodeBatch: ${texts.length} texts, over the limit of ${MAX_BATCH}`);
    const max = this.limit(options.maxLength);
    paddingOf(options.padding);
    const enc = texts.map((t, i) => this.encode(t, { maxLength: max, truncation: options.truncation }, `encodeBatch: text ${i}`));
    return this.pad(enc, { padding: options.padding, maxLength: max });
  }

  pad(enc: readonly Encoding[], options: { padding?: 'longest' | 'max_length'; maxLength?: number } = {}): TextBatch {
    if (!Array.isArray(enc) || enc.length === 0 || enc.length > MAX_BATCH) throw bad(`pad: encodings must be a non-empty array of at most ${MAX_BATCH}`);
    const padding = paddingOf(options.padding);
    const max = this.limit(options.maxLength);
    enc.forEach((e, i) => {
      if (!e || !Array.isArray(e.ids) || !Array.isArray(e.tokenTypeIds) || e.ids.length !== e.tokenTypeIds.length || !e.ids.every(Number.isInteger) || !e.tokenTypeIds.every(Number.isInteger)) throw bad(`pad: encoding ${i} is not what encode() returns`);
      if (padding === 'max_length' && e.ids.length > max) throw bad(`pad: encoding ${i} has ${e.ids.length} tokens, over maxLength ${max}`);
    });
    const len = padding === 'max_length' ? max : Math.max(...enc.map((e) => e.ids.length));
    const b = enc.length;
    const ids = new BigInt64Array(b * len).fill(BigInt(this.padId));
    const mask = new BigInt64Array(b * len);
    const types = new BigInt64Array(b * len);
    enc.forEach((e, r) => {
      for (let i = 0; i < e.ids.length; i++) {
        ids[r * len + i] = BigInt(e.ids[i]);
        mask[r * len + i] = 1n;
        types[r * len + i] = BigInt(e.tokenTypeIds[i]);
      }
    });
    const shape = (): [number, number] => [b, len];
    const batch: TextBatch = {
      input_ids: { data: ids, shape: shape() },
      attention_mask: { data: mask, shape: shape() },
      token_type_ids: { data: types, shape: shape() },
      tokens: enc.map((e) => e.tokens),
      lengths: enc.map((e) => e.ids.length),
      feeds(names) {
        const out: Record<string, IdFeed> = {};
        const byRole = { mask: batch.attention_mask, type: batch.token_type_ids, ids: batch.input_ids };
        for (const n of names) {
          const role = inputRole(n);
          if (role) out[n] = byRole[role];
          else throw bad(`feeds: model input ${JSON.stringify(n)} is none of ids / attention mask / token type ids (name it with "ids", "mask" or "type")`);
        }
        return out;
      },
    };
    return batch;
  }

  decode(ids: ArrayLike<number | bigint>, options: DecodeOptions = {}): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') throw bad('decode: ids must be an array or typed array of token ids');
    const list: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const v = ids[i];
      const n = typeof v === 'bigint' ? Number(v) : v;
      if (!Number.isInteger(n) || n < 0 || n >= this.vocabSize) throw bad(`decode: id ${i} is ${String(v)}, not a token id in [0, ${this.vocabSize})`);
      list.push(n);
    }
    const skip = options.skipSpecialTokens ?? true;
    const kept = skip ? list.filter((id) => !this.specialIds.has(id)) : list;
    if (kept.length === 0) return '';
    try {
      // tokenizers' decode: no transformers-style clean-up of spaces before punctuation
      return this.hf.decode(kept, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    } catch (e) {
      throw bad(`decode: ${detail(e)}`);
    }
  }

  tokenToId(token: string): number | undefined { return this.hf.token_to_id(token); }
  idToToken(id: number): string | undefined { return this.hf.id_to_token(id); }

  private limit(maxLength: number | undefined): number {
    const max = maxLength ?? this.maxLength;
    if (!Number.isInteger(max) || max < 1) throw bad(`maxLength ${JSON.stringify(maxLength)} must be an integer >= 1`);
    if (max <= this.specials) throw bad(`maxLength ${max} leaves no room beside the ${this.specials} special tokens`);
    return max;
  }
}
