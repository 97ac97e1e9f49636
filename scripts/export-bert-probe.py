# A random-weight BERT-class encoder for measuring what Alloy does on transformers before a trained
# text model exists (docs/PLANNER.md "Transformers"): 4 layers, hidden 256, 4 heads, FFN 1024,
# exact-erf GELU, post-LN, vocab 1000, int64 ids and mask with dynamic batch and sequence, mean
# pooling; exported by PyTorch 1.13's own exporter at opset 14. Also token-id rows for
# `alloy plan --calib` (48 rows of 64-128 seeded random ids). Nothing is committed: run
#   apt-get install -y python3-torch python3-onnx && /usr/bin/python3 scripts/export-bert-probe.py [DIR]
# (DIR: where bert.onnx and rows.json go, default /tmp/bert-probe). CI never runs this.
import json, math, os, sys
import torch
import torch.nn as nn

OUT = sys.argv[1] if len(sys.argv) > 1 else '/tmp/bert-probe'
torch.manual_seed(0)


class Layer(nn.Module):
    def __init__(s, H, nh):
        super().__init__()
        s.nh = nh
        s.q, s.k, s.v, s.o = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        s.ln1, s.ln2 = nn.LayerNorm(H), nn.LayerNorm(H)
        s.f1, s.f2 = nn.Linear(H, 4 * H), nn.Linear(4 * H, H)

    def forward(s, x, bias):
        B, L, H = x.shape
        d = H // s.nh
        split = lambda t: t.view(B, L, s.nh, d).transpose(1, 2)
        q, k, v = split(s.q(x)), split(s.k(x)), split(s.v(x))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, -1)
        c = (a @ v).transpose(1, 2).reshape(B, L, H)
        x = s.ln1(x + s.o(c))
        return s.ln2(x + s.f2(nn.functional.gelu(s.f1(x))))


class Bert(nn.Module):
    def __init__(s, V=1000, H=256, nh=4, n=4):
        super().__init__()
        s.tok, s.pos, s.typ = nn.Embedding(V, H), nn.Embedding(128, H), nn.Embedding(2, H)
        s.ln = nn.LayerNorm(H)
        s.layers = nn.ModuleList([Layer(H, nh) for _ in range(n)])

    def forward(s, ids, mask):
        L = ids.shape[1]
        x = s.ln(s.tok(ids) + s.pos(torch.arange(L).unsqueeze(0)) + s.typ(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :].to(torch.float32)) * -10000.0
        for l in s.layers:
            x = l(x, bias)
        m = mask.unsqueeze(-1).to(torch.float32)
        return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)


os.makedirs(OUT, exist_ok=True)
m = Bert().eval()
ids = torch.randint(0, 1000, (1, 128))
mask = torch.ones(1, 128, dtype=torch.int64)
mask[0, 100:] = 0
torch.onnx.export(m, (ids, mask), os.path.join(OUT, 'bert.onnx'), input_names=['ids', 'mask'], output_names=['emb'],
                  dynamic_axes={'ids': {0: 'b', 1: 's'}, 'mask': {0: 'b', 1: 's'}}, opset_version=14)
g = torch.Generator().manual_seed(1)
rows = [torch.randint(0, 1000, (int(torch.randint(64, 129, (1,), generator=g)),), generator=g).tolist() for _ in range(48)]
with open(os.path.join(OUT, 'rows.json'), 'w') as f:
    json.dump({'ids': rows}, f)
print(f'wrote {OUT}/bert.onnx and {OUT}/rows.json')
