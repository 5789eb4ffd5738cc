"""PyTorch reference on the preprocessing job's own token ids (nanoGPT's train.bin / val.bin).

The same GPT as the training job's model.type = gpt, shaped by the arguments: token and position
embeddings, pre-LayerNorm blocks (causal attention with q/k/v/out biases, 4x GELU MLP), a final
LayerNorm and an untied output layer with bias, GPT-2 initialization (normal 0.02, residual
projections scaled by 1/sqrt(2 * layers)). AdamW with linear warm-up and cosine decay to a tenth
of the peak, weight decay on matrices and embeddings only, gradient clipping at 1.0, as
../shared/anchors/torch_gpt.py (nanoGPT's CPU recipe) does. Minibatches are random windows of
train.bin (nanoGPT's sampling). Validation and test: every target of val.bin (and test.bin,
when the preprocessing job wrote one) once, in windows of the context, as the training job
scores its splits: the whole split, never a sample of batches.

Usage: python3 torch_gpt_bins.py DATA_DIR ITERS [--vocab V] [--layers 4] [--heads 4]
       [--embedding 256] [--context 256] [--batch 16] [--lr 1e-3] [--warmup 100] [--threads 2]
Prints params, tokens/s of the timed training steps, the validation and test losses (bits per
byte are not computed here: the job's README gives bytes per token), and peak RSS.
"""
import argparse, math, os, resource, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("data"); p.add_argument("iters", type=int)
p.add_argument("--vocab", type=int, required=True)
p.add_argument("--layers", type=int, default=4); p.add_argument("--heads", type=int, default=4)
p.add_argument("--embedding", type=int, default=256); p.add_argument("--context", type=int, default=256)
p.add_argument("--batch", type=int, default=16); p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--warmup", type=int, default=100); p.add_argument("--threads", type=int, default=2)
p.add_argument("--weight-decay", type=float, default=0.1); p.add_argument("--beta2", type=float, default=0.99)
a = p.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(1337)
V, L, H, D, T, B = a.vocab, a.layers, a.heads, a.embedding, a.context, a.batch
load = lambda name: torch.from_numpy(np.fromfile(f"{a.data}/{name}", dtype="<u2").astype(np.int64))
train, val = load("train.bin"), load("val.bin")
test = load("test.bin") if os.path.exists(f"{a.data}/test.bin") else None
assert all(int(d.max()) < V for d in (train, val, test) if d is not None), "ids outside the vocabulary"


class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln1 = nn.LayerNorm(D); s.qkv = nn.Linear(D, 3 * D); s.proj = nn.Linear(D, D)
        s.ln2 = nn.LayerNorm(D); s.fc = nn.Linear(D, 4 * D); s.out = nn.Linear(4 * D, D)

    def forward(s, x):
        b, t, _ = x.shape; q, k, v = s.qkv(s.ln1(x)).split(D, 2)
        q, k, v = (z.view(b, t, H, D // H).transpose(1, 2) for z in (q, k, v))
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(D // H)
            att = att.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf")).softmax(-1)
            y = att @ v
        x = x + s.proj(y.transpose(1, 2).reshape(b, t, D))
        return x + s.out(F.gelu(s.fc(s.ln2(x))))


class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.tok = nn.Embedding(V, D); s.pos = nn.Embedding(T, D)
        s.blocks = nn.Sequential(*[Block() for _ in range(L)]); s.ln = nn.LayerNorm(D); s.head = nn.Linear(D, V)
        for name, w in s.named_parameters():
            if w.dim() == 2:
                residual = name.endswith("proj.weight") or name.endswith("out.weight")
                nn.init.normal_(w, 0.0, 0.02 / math.sqrt(2 * L) if residual else 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(w)

    def forward(s, idx, tgt=None):
        x = s.blocks(s.tok(idx) + s.pos(torch.arange(idx.shape[1])))
        logits = s.head(s.ln(x))
        return logits, (None if tgt is None else F.cross_entropy(logits.view(-1, V), tgt.view(-1)))


def batch():
    ix = torch.randint(len(train) - T, (B,))
    return torch.stack([train[i:i + T] for i in ix]), torch.stack([train[i + 1:i + T + 1] for i in ix])


@torch.no_grad()
def evaluate(m, val):
    """Mean loss over every target of a split once, in windows of T targets (a last partial window is left out, as packing does)."""
    m.eval(); total, n = 0.0, 0
    starts = list(range(0, len(val) - 1, T))
    for i in range(0, len(starts), B):
        chunk = [s for s in starts[i:i + B] if s + T < len(val)]
        if not chunk:
            continue
        x = torch.stack([val[s:s + T] for s in chunk]); y = torch.stack([val[s + 1:s + T + 1] for s in chunk])
        logits, _ = m(x)
        total += F.cross_entropy(logits.view(-1, V), y.view(-1), reduction="sum").item(); n += y.numel()
    m.train(); return total / n, n


m = GPT(); N = sum(q.numel() for q in m.parameters())
decay = [q for q in m.parameters() if q.dim() == 2]; no_decay = [q for q in m.parameters() if q.dim() < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=a.lr, betas=(0.9, a.beta2))


def lr(it):
    if it < a.warmup:
        return a.lr * (it + 1) / a.warmup
    r = min(1.0, (it - a.warmup) / max(1, a.iters - a.warmup))
    return a.lr / 10 + 0.5 * (1 + math.cos(math.pi * r)) * (a.lr - a.lr / 10)


print(f"params={N} vocab={V} context={T} batch={B} train_ids={len(train)} val_ids={len(val)} "
      f"torch={torch.__version__} threads={torch.get_num_threads()}", flush=True)
t0 = time.time(); tt = 0.0
for it in range(a.iters):
    for g in opt.param_groups:
        g["lr"] = lr(it)
    s = time.time(); x, y = batch(); _, loss = m(x, y)
    opt.zero_grad(set_to_none=True); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    tt += time.time() - s
    if (it + 1) % 20 == 0:
        print(f"step {it + 1}: train loss {loss.item():.4f}, {(it + 1) * B * T / tt:.0f} tokens/s", flush=True)
tok = a.iters * B * T
print(f"train tokens={tok} train_seconds={tt:.1f} tokens_per_s={tok / tt:.0f} wall={time.time() - t0:.1f}s", flush=True)
v, n = evaluate(m, val)
print(f"validation loss {v:.4f} over {n} targets", flush=True)
if test is not None:
    t, n = evaluate(m, test)
    print(f"test loss {t:.4f} over {n} targets", flush=True)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"peak RSS {rss:.0f} MiB", flush=True)
