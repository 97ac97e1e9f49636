// The consumer's shared code: what a program written against the published types does. Strict
// TypeScript; the @ts-expect-error lines fail the type check if the types were ever `any`.
import { AlloyError, type Alloy, type AlloyErrorCode, type Model, type TensorOut } from 'alloy-runtime';
import { writeBundle, type BundleInput } from 'alloy-runtime/tools';
import { loadTokenizer, type Encoding } from 'alloy-runtime/text';

// A WordPiece tokenizer.json (google-research/bert tokenization_test.py's vocab): alloy-runtime/text
// and its npm dependency resolve and run in every runtime.
const vocab = ['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing', ','];
const tokenizerJson = {
  added_tokens: ['[UNK]', '[CLS]', '[SEP]'].map((t) => ({ id: vocab.indexOf(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: { type: 'BertProcessing', sep: ['[SEP]', 2], cls: ['[CLS]', 1] },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
};

const W = new Float32Array([1, 0, 0.5, -1, 0.25, 0.25, 0.25, 0.25, -2, 1, 0, 0]);
const B = new Float32Array([0.5, 0, -0.25]);

export const bundleInput: BundleInput = {
  graph: {
    inputs: [{ name: 'x', shape: [-1, 4], format: 'f32' }],
    outputs: [{ name: 'y', shape: [-1, 3], format: 'f32' }],
    nodes: [{ name: 'fc', op: 'Dense', inputs: ['x', 'fc.weight', 'fc.bias'], outputs: ['y'], attrs: { activation: 'none' } }],
  },
  tensors: { 'fc.weight': { format: 'f32', shape: [3, 4], data: W }, 'fc.bias': { format: 'f32', shape: [3], data: B } },
};

/** One line that must be the same in every runtime. */
export function check(alloy: Alloy): string {
  const model: Model = alloy.load(writeBundle(bundleInput));
  const out: TensorOut = model.run({ x: { data: new Float32Array([1, 2, 3, 4]), shape: [1, 4] } }).y;
  // data is the typed array of the output's element type: narrowed by instanceof
  if (!(out.data instanceof Float32Array) || out.dtype !== 'f32') throw new Error('y is f32');
  const values: Float32Array = out.data;
  // @ts-expect-error: run() takes typed arrays, not plain arrays
  if (false as boolean) model.run({ x: [1, 2, 3, 4] });
  model.dispose();
  const code = alloy.encode('f8_e4m3fn', new Float32Array([0.3952]))[0];
  let caught: AlloyErrorCode | 'none' = 'none';
  try { alloy.load(new Uint8Array(16)); } catch (e) {
    if (!(e instanceof AlloyError)) throw e;
    caught = e.code; // narrowed: e.code is an AlloyErrorCode
    // @ts-expect-error: not an AlloyErrorCode
    if (e.code === 'NO_SUCH_CODE') caught = 'none';
  }
  const enc: Encoding = loadTokenizer(tokenizerJson).encode('UNwant\u00E9d,running');
  let textCode: AlloyErrorCode | 'none' = 'none';
  try { loadTokenizer('{'); } catch (e) { if (e instanceof AlloyError) textCode = e.code; } // one AlloyError class
  return `${out.shape.join('x')} [${Array.from(values).join(',')}] f8_e4m3fn(0.3952)=0x${code.toString(16)} ${caught} text ${enc.ids.join(',')} ${textCode}`;
}
