// POST /v1/embed of the edge examples (examples/shared/api.mjs routes it): text in, embedding out.
//
//   {"text": "..." | ["...", ...], "precision": "f32", "truncate": false}
//     -> { precision, dims, embedding (one text) | embeddings (an array of texts), tokens (count per
//          text, [CLS] and [SEP] included), ids, sha256 (hex, of the output f32 bytes), timing }
//
// The texts are tokenized (alloy-runtime/text: string work in JS), padded to the longest into one
// int64 batch, and run through the encoder bundle of the chosen precision; the embeddings are the
// encoder's pooled output L2-normalised by the bundle's last node (scripts/build-examples-text.ts),
// so every value is computed by the module. Limits: MAX_TEXTS texts, MAX_TEXT_CHARS characters and
// maxTokens tokens per text (413 LIMIT_EXCEEDED; "truncate": true cuts to maxTokens instead), and
// the API's body limit.

export const MAX_TEXTS = 64;
export const MAX_TEXT_CHARS = 4096;

/**
 * @param {object} o
 * @param {{ loadTokenizer: Function, tokenizer: string | object, bundles: Record<string, ArrayBuffer | Uint8Array>, maxTokens?: number }} o.text
 * @param {(code: string, message: string) => Error} o.err  makes an AlloyError
 */
export function createEmbed({ text, err, maxTexts = MAX_TEXTS, maxTextChars = MAX_TEXT_CHARS }) {
  const names = Object.keys(text.bundles);
  const defaultPrecision = names.includes('f32') ? 'f32' : names[0];
  const maxTokens = text.maxTokens ?? 128;
  const limits = { maxTexts, maxTextChars, maxTokens };

  /** Loads the tokenizer and every encoder bundle (part of the API's cold start). */
  function start(alloy, describeBundle) {
    const t0 = performance.now();
    const tokenizer = text.loadTokenizer(text.tokenizer, { maxLength: maxTokens, maxChars: maxTextChars });
    const tokenizerMs = performance.now() - t0;
    const models = {}, info = {}, loadMs = {};
    for (const name of names) {
      const s = performance.now();
      const bytes = text.bundles[name] instanceof Uint8Array ? text.bundles[name] : new Uint8Array(text.bundles[name]);
      models[name] = alloy.load(bytes);
      loadMs[name] = performance.now() - s;
      info[name] = describeBundle(bytes, models[name]);
    }
    return {
      tokenizer, models, startup: { tokenizerMs, loadMs },
      describe: () => ({ default: defaultPrecision, precisions: names, bundles: info, tokenizer: { model: tokenizer.model, vocabSize: tokenizer.vocabSize }, limits }),
    };
  }

  /** @param {any} msg the parsed JSON body; @param {string | null} queryPrecision; @param state what start() gave */
  function embed(msg, queryPrecision, state, merged) {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw err('BAD_ARGUMENT', 'request body must be a JSON object { "text": "..." | ["...", ...], "precision": "f32" }');
    for (const k of Object.keys(msg)) if (k !== 'text' && k !== 'precision' && k !== 'truncate') throw err('BAD_ARGUMENT', `unknown field ${JSON.stringify(k)} (known: text, precision, truncate)`);
    const precision = merged('precision', queryPrecision, msg.precision) ?? defaultPrecision;
    const model = Object.hasOwn(state.models, precision) ? state.models[precision] : undefined;
    if (!model) throw err('BAD_OPTION', `unknown precision ${JSON.stringify(precision)} for /v1/embed (available: ${names.join(', ')})`);
    if (msg.truncate !== undefined && typeof msg.truncate !== 'boolean') throw err('BAD_ARGUMENT', '"truncate" must be true or false');
    const one = typeof msg.text === 'string';
    const texts = one ? [msg.text] : msg.text;
    if (!Array.isArray(texts) || texts.length === 0) throw err('BAD_ARGUMENT', '"text" must be a string or a non-empty array of strings');
    if (texts.length > maxTexts) throw err('LIMIT_EXCEEDED', `${texts.length} texts exceed ${maxTexts} per request`);
    const t0 = performance.now();
    const encodings = texts.map((t, i) => {
      const where = one ? '"text"' : `"text"[${i}]`;
      if (typeof t !== 'string') throw err('BAD_ARGUMENT', `${where} is ${t === null ? 'null' : typeof t}, not a string`);
      if (t.length > maxTextChars) throw err('LIMIT_EXCEEDED', `${where} has ${t.length} characters, over ${maxTextChars}`);
      // counted without a limit first, so that an over-long text is a limit (413), not a bad argument
      const e = state.tokenizer.encode(t, { maxLength: 4 * maxTextChars + 8 }); // a character is at most 4 tokens (UTF-8 bytes)
      if (e.ids.length <= maxTokens) return e;
      if (!msg.truncate) throw err('LIMIT_EXCEEDED', `${where} is ${e.ids.length} tokens long, over ${maxTokens} (send "truncate": true to cut it)`);
      return state.tokenizer.encode(t, { maxLength: maxTokens, truncation: true });
    });
    const batch = state.tokenizer.pad(encodings);
    const tokenizeMs = performance.now() - t0;
    const t1 = performance.now();
    const out = model.run(batch.feeds(model.inputs.map((i) => i.name)));
    const inferMs = performance.now() - t1;
    const y = out[model.outputs[0].name];
    return { precision, y, encodings, one, tokenizeMs, inferMs };
  }

  return { names, limits, start, embed };
}
