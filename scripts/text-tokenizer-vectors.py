# Test vectors for src/text (test/text/tokenizer.test.ts) from Hugging Face tokenizers itself, the
# Rust library, through its Python binding (tokenizers 0.23.2; `pip install tokenizers`):
#
#   python3 scripts/text-tokenizer-vectors.py     # writes test/text/fixtures/{wordpiece,bpe,vectors}.json
#
# Two small tokenizers trained here on 200 KJV verses (Debian's bible-kjv-text: `bible -f`, public
# domain) plus the test's own cases (so their characters are in the vocab): a BERT WordPiece
# (BertNormalizer, BertPreTokenizer, [CLS] $A [SEP]) and a GPT-2 byte-level BPE. For each case the
# library's encode() (ids, tokens, type ids), decode(ids), and batches with truncation / padding.
import json, os, subprocess
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, decoders, trainers

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'text', 'fixtures')
CASES = [
    '', ' ', '   \t\n  ', 'In the beginning God created the heaven and the earth.',
    'UNwant\u00e9d,running', 'ah\u535a\u63a8zz', ' \tHeLLo!how  \n Are yoU?  ', 'H\u00e9llo', 'H\u00e9ll\u00f2 h\u00f4w are \u00fc?',
    '\u0391\u03a3 \u039f\u0394\u039f\u03a3 \u1f41\u03b4\u03cc\u03c2', 'na\u00efve caf\u00e9 fa\u00e7ade r\u00e9sum\u00e9', '\u0130stanbul \u01c5 \ufb01', 'Stra\u00dfe',
    'x\u0000y\ufffdz\u0005w', 'a\u200bb\u00adc\ufeffd', 'e\u0085f\u00a0g\u3000h\u2028i', 'unassigned\u0378x \ue000pua',
    'CJK ext B: \U00020000\U0002a6df done', '\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8', '\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8',
    'emoji \U0001f600\U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467 ok', 'tabs\t\tand  spaces   between',
    "it's we've they'll I'd you're I'm", 'numbers 12345 3.14 1,000,000', 'punct !!!... ??? ---',
    '\u00bfQu\u00e9? \u00a1S\u00ed! \u00abguillemets\u00bb \u201cquotes\u201d', 'a' * 25, 'supercalifragilisticexpialidocious',
    'combining e\u0301 vs \u00e9', 'trailing spaces    ', '   leading spaces', 'line1\r\nline2\rline3',
    '$100 & 50% @home #tag ^caret ~tilde `tick`', '\u01c4emo \u01c6 \u00df \u1e9e', '\ufb00 \ufb03 \u216b \u2460 \u338f',
    'Arabic: \u0623\u0646\u0627 \u0642\u0627\u062f\u0631', 'Thai: \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35', 'mixed\u4e2d\u6587and English\u6df7\u5408',
    '\U0001f600', '\U0001f642' * 5, 'a\u0301\u0302\u0303', '[CLS] in text [SEP]', '<|endoftext|> hi',
    'And God said, Let there be light: and there was light.', 'For God so loved the world, that he gave his only begotten Son',
]
BATCHES = [
    {'texts': ['In the beginning', 'God', 'And the earth was without form, and void; and darkness was upon the face of the deep.'], 'max_length': 12, 'padding': 'longest'},
    {'texts': ['light', 'Let there be light: and there was light.'], 'max_length': 16, 'padding': 'max_length'},
]

verses = subprocess.run(['bible', '-f', 'Genesis 1:1-8:22'], capture_output=True, text=True, check=True).stdout.splitlines()
text = [l.split(' ', 1)[1] for l in verses if ' ' in l][:200] + CASES * 2

wp = Tokenizer(models.WordPiece(unk_token='[UNK]', max_input_chars_per_word=20))
wp.normalizer = normalizers.BertNormalizer(lowercase=True)
wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
wp.decoder = decoders.WordPiece()
wp.train_from_iterator(text, trainers.WordPieceTrainer(vocab_size=400, special_tokens=['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']))
wp.post_processor = processors.TemplateProcessing(single='[CLS] $A [SEP]', pair='[CLS] $A [SEP] $B:1 [SEP]:1',
                                                  special_tokens=[('[CLS]', wp.token_to_id('[CLS]')), ('[SEP]', wp.token_to_id('[SEP]'))])

bpe = Tokenizer(models.BPE())
bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
bpe.decoder = decoders.ByteLevel()
bpe.post_processor = processors.ByteLevel(trim_offsets=False)
bpe.train_from_iterator(text, trainers.BpeTrainer(vocab_size=420, special_tokens=['<|endoftext|>'], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))

vectors = {'tokenizers': __import__('tokenizers').__version__}
for name, t in (('wordpiece', wp), ('bpe', bpe)):
    t.save(os.path.join(OUT, f'{name}.json'))
    rows = []
    for c in CASES:
        e = t.encode(c)
        rows.append({'text': c, 'ids': e.ids, 'tokens': e.tokens, 'typeIds': e.type_ids, 'decoded': t.decode(e.ids)})
    batches = []
    for b in BATCHES:
        t.enable_truncation(b['max_length'])
        pad = t.token_to_id('[PAD]') or 0
        if b['padding'] == 'longest': t.enable_padding(pad_id=pad)
        else: t.enable_padding(pad_id=pad, length=b['max_length'])
        es = t.encode_batch(b['texts'])
        batches.append({**b, 'ids': [e.ids for e in es], 'mask': [e.attention_mask for e in es], 'typeIds': [e.type_ids for e in es]})
        t.no_truncation(); t.no_padding()
    vectors[name] = {'cases': rows, 'batches': batches}
with open(os.path.join(OUT, 'vectors.json'), 'w', encoding='utf-8') as f:
    json.dump(vectors, f, ensure_ascii=False, indent=1)
