# Exports the small PyTorch test models in models/torch/ with PyTorch's own ONNX exporter, and
# their reference outputs (PyTorch, f32) for test/import/torch.test.ts. Needs Debian's
# python3-torch and python3-onnx (torch 1.13, onnx 1.12):
#   apt-get install -y python3-torch python3-onnx && /usr/bin/python3 scripts/export-torch-models.py
# CI and npm test never run this: they read the committed files. Names as arguments export only
# those models (e.g. `... export-torch-models.py gru-bidir-opset14`); none: every model.
import json, os, sys
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'models', 'torch')
torch.manual_seed(20261207)


class FeatNorm(nn.Module):
    """Voice-activity style: features [N, 40, T], layer norm over the features written out
    (ReduceMean / Sub / Pow / Sqrt / Div), a channel gate broadcast over time, a per-frame
    Linear, mean over time, a classifier."""
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(40, 40)
        self.frame = nn.Linear(40, 16)
        self.cls = nn.Linear(16, 2)

    def forward(self, x):
        mu = x.mean(dim=1, keepdim=True)
        var = (x - mu).pow(2).mean(dim=1, keepdim=True)
        h = (x - mu) / torch.sqrt(var + 1e-5)
        g = torch.sigmoid(self.gate(h.mean(dim=2)))        # [N, 40]
        h = h * g.unsqueeze(2)                              # [N, 40, T] * [N, 40, 1]
        f = F.relu(self.frame(h.transpose(1, 2)))           # [N, T, 16]
        return torch.softmax(self.cls(f.mean(dim=1)), dim=-1)


class Embed(nn.Module):
    """Text classifier: int64 token ids and mask [N, L], embeddings plus positions sliced to L,
    the first token dropped (a slice to INT64_MAX), masked mean, a classifier."""
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(50, 12)
        self.pos = nn.Parameter(torch.randn(32, 12) * 0.1)
        self.out = nn.Linear(12, 3)

    def forward(self, ids, mask):
        L = ids.shape[1]
        h = self.tok(ids) + self.pos[:L]
        h = h[:, 1:]
        m = mask[:, 1:].unsqueeze(-1).to(torch.float32)
        pooled = (h * m).sum(dim=1) / m.sum(dim=1).clamp(min=1.0)
        return self.out(torch.tanh(pooled))


class SmallCNN(nn.Module):
    """Image model at opset 9: Conv / BatchNorm / ReLU / MaxPool, flattened with
    x.view(x.size(0), -1) (Shape -> Gather -> Unsqueeze -> Concat -> Reshape)."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 4 * 4, 5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.c1(x))), 2)
        return self.fc(x.view(x.size(0), -1))


class GruTagger(nn.Module):
    """Wake-word style: frames [N, T, 16] (batch_first), a bidirectional GRU of hidden 32, a
    per-frame Linear on both directions' outputs."""
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(16, 32, batch_first=True, bidirectional=True)
        self.head = nn.Linear(64, 3)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.head(y)


class LstmVad(nn.Module):
    """Voice-activity style: frames [T, N, 12], a 2-layer LSTM of hidden 32, a Linear on the
    last layer's final hidden state."""
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(12, 32, num_layers=2)
        self.head = nn.Linear(32, 2)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def export(name, model, args, names, dynamic, opset, feeds):
    if len(sys.argv) > 1 and name not in sys.argv[1:]:
        return
    model.eval()
    if isinstance(model, SmallCNN):
        with torch.no_grad():
            model.bn.running_mean.uniform_(-0.5, 0.5)
            model.bn.running_var.uniform_(0.5, 1.5)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(model, args, path, input_names=names, output_names=['y'], dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)
    cases = []
    with torch.no_grad():
        for f in feeds:
            y = model(*f)
            cases.append({
                'inputs': [{'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'data': t.flatten().tolist()} for t in f],
                'output': {'shape': list(y.shape), 'data': y.flatten().tolist()},
            })
    with open(os.path.join(OUT, f'{name}.json'), 'w') as fh:
        json.dump({'about': f'PyTorch {torch.__version__} outputs of {name}.onnx (scripts/export-torch-models.py)', 'opset': opset, 'inputs': names, 'cases': cases}, fh)
    print(path, os.path.getsize(path), 'bytes')


os.makedirs(OUT, exist_ok=True)
fx = lambda n, t: torch.randn(n, 40, t)
for opset in (11, 17):
    export(f'featnorm-opset{opset}', FeatNorm(), (fx(1, 9),), ['x'], {'x': {0: 'batch', 2: 'frames'}, 'y': {0: 'batch'}}, opset,
           [(fx(1, 9),), (fx(3, 5),)])
ids = lambda n, l: torch.randint(0, 50, (n, l))
mask = lambda n, l: (torch.rand(n, l) > 0.3).to(torch.int64)
export('embed-opset13', Embed(), (ids(1, 7), mask(1, 7)), ['ids', 'mask'], {'ids': {0: 'batch', 1: 'len'}, 'mask': {0: 'batch', 1: 'len'}, 'y': {0: 'batch'}}, 13,
       [(ids(1, 7), mask(1, 7)), (ids(2, 11), mask(2, 11))])
export('cnn-opset9', SmallCNN(), (torch.randn(1, 3, 8, 8),), ['x'], {'x': {0: 'batch'}, 'y': {0: 'batch'}}, 9,
       [(torch.randn(1, 3, 8, 8),), (torch.randn(4, 3, 8, 8),)])
# recurrent models: seeded here, so exporting them alone gives the same files
torch.manual_seed(20261208)
export('gru-bidir-opset14', GruTagger(), (torch.randn(1, 7, 16),), ['x'], {'x': {0: 'batch', 1: 'frames'}, 'y': {0: 'batch', 1: 'frames'}}, 14,
       [(torch.randn(1, 7, 16),), (torch.randn(3, 11, 16),)])
export('lstm-2layer-opset14', LstmVad(), (torch.randn(9, 1, 12),), ['x'], {'x': {0: 'frames', 1: 'batch'}, 'y': {0: 'batch'}}, 14,
       [(torch.randn(9, 1, 12),), (torch.randn(5, 4, 12),)])
