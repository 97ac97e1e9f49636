// alloy-runtime/text (src/text): WordPiece and byte-level BPE from a tokenizer.json, against
//  - google-research/bert tokenization_test.py (its vocab and expected tokens, re-typed here);
//  - Hugging Face tokenizers 0.23.2 (the Rust library): test/text/fixtures/*.json were trained and
//    encoded by it (scripts/text-tokenizer-vectors.py), 47 cases per model: accents, CJK (also
//    outside the BMP), Greek final sigma, control and zero-width characters, whitespace runs, emoji
//    and ZWJ sequences, over-long words, special tokens in the text; batches with truncation and
//    padding;
//  - the encoder's own reference (models/text/encoder.json, the ids its Python tokenizer produced)
//    when that file is there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../build/alloy-text.mjs';
import { throwsCode } from '../util.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const FIX = join(ROOT, 'test/text/fixtures');
const vectors = JSON.parse(readFileSync(join(FIX, 'vectors.json'), 'utf8'));
const fixture = (name: string) => readFileSync(join(FIX, `${name}.json`), 'utf8');

/** A BERT tokenizer.json around a vocab list (ids = positions), as tokenizers writes one. */
function bertJson(vocab: string[], opts: { lowercase?: boolean; maxChars?: number } = {}) {
  const id = (t: string) => vocab.indexOf(t);
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: ['[UNK]', '[CLS]', '[SEP]'].filter((t) => vocab.includes(t)).map((t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: opts.lowercase ?? true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: opts.maxChars ?? 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

// google-research/bert tokenization_test.py, test_full_tokenizer / test_wordpiece_tokenizer
const BERT_VOCAB = ['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing', ','];

test('BERT tokenization_test.py: full tokenizer, wordpiece, unknown words', () => {
  const t = loadTokenizer(bertJson(BERT_VOCAB));
  const e = t.encode('UNwant\u00E9d,running');
  assert.equal(e.tokens, ['[CLS]', 'un', '##want', '##ed', ',', 'runn', '##ing', '[SEP]']);
  assert.equal(e.ids, [1, 7, 4, 5, 10, 8, 9, 2]);
  assert.equal(e.attentionMask, [1, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(e.tokenTypeIds, [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(t.encode('unwanted running').tokens.slice(1, -1), ['un', '##want', '##ed', 'runn', '##ing']);
  assert.equal(t.encode('unwantedX running').tokens.slice(1, -1), ['[UNK]', 'runn', '##ing']);
  assert.equal(t.encode('').tokens, ['[CLS]', '[SEP]']);
  // max_input_chars_per_word: a longer word is one [UNK] (tokenizers wordpiece.rs)
  assert.equal(loadTokenizer(bertJson(BERT_VOCAB, { maxChars: 7 })).encode('unwanted want').tokens.slice(1, -1), ['[UNK]', 'want']);
});

test('BERT tokenization_test.py: basic tokenizer (lower / no lower, Chinese characters)', () => {
  // every character its own token in the vocab, so the tokens are the pre-tokenizer's words
  const words = ['hello', '!', 'how', 'are', 'you', '?', 'HeLLo', 'Are', 'yoU', 'ah', '\u535A', '\u63A8', 'zz'];
  const t = loadTokenizer(bertJson(['[UNK]', '[CLS]', '[SEP]', ...words]));
  assert.equal(t.encode(' \tHeLLo!how  \n Are yoU?  ').tokens.slice(1, -1), ['hello', '!', 'how', 'are', 'you', '?']);
  assert.equal(t.encode('H\u00E9llo').tokens.slice(1, -1), ['hello']);
  assert.equal(t.encode('ah\u535A\u63A8zz').tokens.slice(1, -1), ['ah', '\u535A', '\u63A8', 'zz']);
  const cased = loadTokenizer(bertJson(['[UNK]', '[CLS]', '[SEP]', ...words], { lowercase: false }));
  assert.equal(cased.encode(' \tHeLLo!how  \n Are yoU?  ').tokens.slice(1, -1), ['HeLLo', '!', 'how', 'Are', 'yoU', '?']);
});

for (const name of ['wordpiece', 'bpe'] as const) {
  test(`${name}: encode() and decode() equal tokenizers 0.23.2 on ${vectors[name].cases.length} cases`, () => {
    assert.is(vectors.tokenizers, '0.23.2');
    const t = loadTokenizer(fixture(name));
    assert.is(t.model, name === 'bpe' ? 'BPE' : 'WordPiece');
    for (const c of vectors[name].cases) {
      const e = t.encode(c.text);
      const what = `${name} ${JSON.stringify(c.text)}`;
      assert.equal(e.tokens, c.tokens, what);
      assert.equal(e.ids, c.ids, what);
      assert.equal(e.tokenTypeIds, c.typeIds, what);
      assert.equal(e.attentionMask, c.ids.map(() => 1), what);
      assert.is(t.decode(e.ids), c.decoded, `${what}: decode`);
      assert.is(t.decode(BigInt64Array.from(e.ids.map(BigInt))), c.decoded, `${what}: decode of int64 ids`);
    }
  });

  test(`${name}: encodeBatch() with truncation and padding equals tokenizers' encode_batch`, () => {
    const t = loadTokenizer(fixture(name));
    for (const b of vectors[name].batches) {
      const r = t.encodeBatch(b.texts, { maxLength: b.max_length, truncation: true, padding: b.padding });
      const len = b.ids[0].length;
      assert.equal(r.input_ids.shape, [b.texts.length, len]);
      assert.ok(r.input_ids.data instanceof BigInt64Array);
      assert.equal(Array.from(r.input_ids.data, Number), b.ids.flat(), `${name} ${b.padding}: ids`);
      assert.equal(Array.from(r.attention_mask.data, Number), b.mask.flat(), `${name} ${b.padding}: mask`);
      assert.equal(Array.from(r.token_type_ids.data, Number), b.typeIds.flat(), `${name} ${b.padding}: type ids`);
      assert.equal(r.lengths, b.mask.map((m: number[]) => m.reduce((a, v) => a + v, 0)));
      const f = r.feeds(['input_ids', 'attention_mask', 'token_type_ids']);
      assert.is(f.input_ids, r.input_ids);
      assert.is(f.attention_mask, r.attention_mask);
      assert.is(f.token_type_ids, r.token_type_ids);
    }
  });
}

test('byte-level BPE: every byte round-trips (multi-byte UTF-8, emoji, ZWJ sequences, controls)', () => {
  const t = loadTokenizer(fixture('bpe'));
  for (const s of ['héllo wörld', '日本語 テキスト', '👨‍👩‍👧 family 🏳️‍🌈', '\u0000\u0001\u007f tabs\t\tand\n\nnewlines', 'x'.repeat(300), '  leading and trailing  ']) {
    assert.is(t.decode(t.encode(s, { maxLength: 4096 }).ids), s, JSON.stringify(s));
  }
});

test('maxLength: over-long input is BAD_ARGUMENT unless truncation; truncation keeps [CLS] / [SEP]', () => {
  const t = loadTokenizer(fixture('wordpiece'), { maxLength: 8 });
  assert.is(t.maxLength, 8);
  const long = 'And God said, Let there be light: and there was light.';
  throwsCode(() => t.encode(long), 'BAD_ARGUMENT', /encode: the text is \d+ tokens long .*over maxLength 8/);
  throwsCode(() => t.encodeBatch(['light', long]), 'BAD_ARGUMENT', /encodeBatch: text 1 is \d+ tokens long/);
  const e = t.encode(long, { truncation: true });
  assert.is(e.ids.length, 8);
  assert.equal([e.tokens[0], e.tokens[7]], ['[CLS]', '[SEP]']);
  assert.equal(e.tokens.slice(1, 7), t.encode(long, { maxLength: 100 }).tokens.slice(1, 7));
  const b = t.encodeBatch(['light', long], { truncation: true, padding: 'max_length' });
  assert.equal(b.input_ids.shape, [2, 8]);
  assert.equal(b.lengths, [3, 8]);
  assert.equal(Array.from(b.input_ids.data.subarray(3, 8), Number), [t.padId, t.padId, t.padId, t.padId, t.padId]);
  assert.is(t.padId, t.tokenToId('[PAD]'));
  throwsCode(() => t.encode('x', { maxLength: 2 }), 'BAD_ARGUMENT', /maxLength 2 leaves no room beside the 2 special tokens/);
  throwsCode(() => t.encode('x', { maxLength: 0 }), 'BAD_ARGUMENT', /maxLength 0/);
  throwsCode(() => loadTokenizer(fixture('wordpiece'), { maxChars: 10 }).encode('x'.repeat(11)), 'BAD_ARGUMENT', /11 characters, over the limit of 10/);
});

test('bad tokenizer.json and bad arguments: BAD_ARGUMENT naming the place', () => {
  const wp = JSON.parse(fixture('wordpiece'));
  throwsCode(() => loadTokenizer('{"model": '), 'BAD_ARGUMENT', /tokenizer.json is not valid JSON/);
  throwsCode(() => loadTokenizer('[1, 2]'), 'BAD_ARGUMENT', /must be a JSON object, got an array/);
  throwsCode(() => loadTokenizer({}), 'BAD_ARGUMENT', /"model" is missing/);
  throwsCode(() => loadTokenizer({ ...wp, model: { type: 'Unigram', vocab: [] } }), 'BAD_ARGUMENT', /model.type "Unigram" is not supported \(supported: WordPiece, BPE\)/);
  throwsCode(() => loadTokenizer({ ...wp, model: { ...wp.model, vocab: [] } }), 'BAD_ARGUMENT', /model.vocab of the WordPiece model must be an object/);
  throwsCode(() => loadTokenizer({ ...wp, model: { ...wp.model, vocab: { a: -1 } } }), 'BAD_ARGUMENT', /model.vocab\["a"\] is -1/);
  throwsCode(() => loadTokenizer({ ...wp, model: { ...wp.model, unk_token: '<unk>' } }), 'BAD_ARGUMENT', /unk_token "<unk>" .* not in its vocab/);
  const bpe = JSON.parse(fixture('bpe'));
  throwsCode(() => loadTokenizer({ ...bpe, model: { ...bpe.model, merges: 'a b' } }), 'BAD_ARGUMENT', /model.merges of the BPE model must be an array/);
  throwsCode(() => loadTokenizer({ ...wp, added_tokens: [{ id: 'x' }] }), 'BAD_ARGUMENT', /added_tokens must be an array/);
  throwsCode(() => loadTokenizer({ ...wp, normalizer: { type: 'NoSuchNormalizer' } }), 'BAD_ARGUMENT', /tokenizer.json: .*NoSuchNormalizer/);
  const t = loadTokenizer(wp);
  throwsCode(() => t.encode(42 as any), 'BAD_ARGUMENT', /encode: the text is number, not a string/);
  throwsCode(() => t.encodeBatch([]), 'BAD_ARGUMENT', /non-empty array/);
  throwsCode(() => t.encodeBatch(['a', null as any]), 'BAD_ARGUMENT', /encodeBatch: text 1 is null/);
  throwsCode(() => t.encodeBatch(['a'], { padding: 'right' as any }), 'BAD_ARGUMENT', /padding "right"/);
  throwsCode(() => t.decode([2, 5, t.vocabSize]), 'BAD_ARGUMENT', new RegExp(`decode: id 2 is ${t.vocabSize}, not a token id`));
  throwsCode(() => t.decode([1.5]), 'BAD_ARGUMENT', /decode: id 0 is 1.5/);
  throwsCode(() => t.decode('abc' as any), 'BAD_ARGUMENT', /decode: ids must be an array/);
  throwsCode(() => t.encodeBatch(['a']).feeds(['pixels']), 'BAD_ARGUMENT', /model input "pixels"/);
  assert.is(t.decode([]), '');
  assert.is(t.decode([t.tokenToId('[CLS]')!, t.tokenToId('[SEP]')!]), '');
  assert.is(t.decode([t.tokenToId('[CLS]')!, t.tokenToId('[SEP]')!], { skipSpecialTokens: false }), '[CLS] [SEP]');
});

test('the encoder\'s reference: encode() gives the ids its Python tokenizer produced (models/text/encoder.json)', () => {
  const dir = join(ROOT, 'models/text');
  if (!existsSync(join(dir, 'encoder.json')) || !existsSync(join(dir, 'tokenizer.json'))) {
    console.log('skip: models/text/encoder.json or tokenizer.json not there (the encoder branch writes them)');
    return;
  }
  const t = loadTokenizer(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  const ref = JSON.parse(readFileSync(join(dir, 'encoder.json'), 'utf8'));
  const rows = referenceRows(ref);
  assert.ok(rows.length > 0, 'encoder.json holds sentences with their ids');
  for (const { text, ids } of rows) assert.equal(t.encode(text, { truncation: false, maxLength: 4096 }).ids, ids, JSON.stringify(text));
  console.log(`encoder.json: ${rows.length} sentences, ids equal`);
});

/** The (text, ids) pairs of models/text/encoder.json, whatever the nesting its writer chose. */
function referenceRows(ref: any): { text: string; ids: number[] }[] {
  const out: { text: string; ids: number[] }[] = [];
  const walk = (v: any) => {
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (v === null || typeof v !== 'object') return;
    const text = v.text ?? v.sentence;
    const ids = v.ids ?? v.input_ids ?? v.token_ids;
    if (typeof text === 'string' && Array.isArray(ids) && ids.every((x: unknown) => Number.isInteger(x))) out.push({ text, ids });
    else if (Array.isArray(ref.sentences) && v === ref && Array.isArray(ref.input_ids ?? ref.ids)) {
      (ref.input_ids ?? ref.ids).forEach((row: number[], i: number) => out.push({ text: ref.sentences[i], ids: row }));
    } else Object.values(v).forEach(walk);
  };
  walk(ref);
  return out;
}

test.run();
