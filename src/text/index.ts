// alloy-runtime/text: text in for Alloy's text models (docs/TEXT.md "Tokenizer").
export { loadTokenizer } from './tokenizer.js';
export type { TextTokenizer, Encoding, TextBatch, IdFeed, EncodeOptions, BatchOptions, DecodeOptions, LoadOptions } from './tokenizer.js';
export { AlloyError } from '../runtime/errors.js';
