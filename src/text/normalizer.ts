// BertNormalizer exactly as Hugging Face tokenizers (Rust) runs it, tokenizers/src/normalizers/bert.rs:
// clean_text, then handle_chinese_chars, then strip_accents (default: = lowercase), then lowercase.
//
// Why not the one in @huggingface/tokenizers 0.2.0: checked against tokenizers 0.23.2 (the Rust
// library, through its Python wheel) on test/text/tokenizer.test.ts's cases, it differs in two places:
//   - it walks UTF-16 code units, so CJK ideographs outside the BMP (Extension B..F, U+20000..) are
//     not split into words of their own;
//   - it lowercases the whole string with String#toLowerCase, whose final-sigma rule turns a
//     word-final 'Σ' into 'ς'; Rust lowercases char by char (char::to_lowercase), giving 'σ'.
// Everything else (which characters count as control / whitespace, NFD + Mn removal) is the same
// and written here the same way.
/** Rust `is_other` (unicode_categories): Cc, Cf, Co, Cs; '\t' '\n' '\r' count as whitespace. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
/** Rust `char::is_whitespace`: the Unicode White_Space property. */
const WHITESPACE = /\p{White_Space}/u;
const MARK_NONSPACING = /\p{Mn}/gu;

/** The CJK Unified Ideographs blocks of BERT's `_is_chinese_char` (google-research/bert
 *  tokenization.py; the same list in bert.rs `is_chinese_char`). Hangul and kana are not in it. */
function isChineseChar(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

export interface BertNormalizerConfig {
  type: 'BertNormalizer';
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

/** The normalizing function for a tokenizer.json "normalizer" of type BertNormalizer. */
export function bertNormalizer(config: BertNormalizerConfig): (text: string) => string {
  const lower = config.lowercase ?? true;
  const clean = config.clean_text ?? true, chinese = config.handle_chinese_chars ?? true;
  const strip = config.strip_accents ?? lower; // bert.rs: `self.strip_accents.unwrap_or(self.lowercase)`
  return (text: string): string => {
    let out = text;
    if (clean || chinese) {
      let s = '';
      for (const c of out) { // by code point
        const cp = c.codePointAt(0)!;
        if (clean) {
          if (cp === 0 || cp === 0xfffd) continue;
          if (c !== '\t' && c !== '\n' && c !== '\r' && CONTROL.test(c)) continue;
          if (WHITESPACE.test(c)) { s += ' '; continue; }
        }
        s += chinese && isChineseChar(cp) ? ` ${c} ` : c;
      }
      out = s;
    }
    if (strip) out = out.normalize('NFD').replace(MARK_NONSPACING, '');
    if (lower) {
      let s = '';
      for (const c of out) s += c.toLowerCase(); // one code point at a time: no final-sigma context
      out = s;
    }
    return out;
  };
}
