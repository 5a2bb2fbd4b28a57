"""The same GPT as TabGPT's (src/model), in PyTorch fp32 eager, as the like-for-like reference on a GPU.

GPT-2 architecture as src/model/config.ts builds it: learned positions, pre-LayerNorm (eps 1e-5,
with biases), GELU (tanh form), biases on every linear, tied input/output embeddings, causal
attention through scaled_dot_product_attention. Training step as bench/train-ours.ts: AdamW
(beta 0.9/0.95, eps 1e-8, weight decay 0.1 on 2-D weights only, lr 1e-3), global-norm clipping
at 1.0, uniform random tokens. TF32 is off everywhere, so every product is true fp32.

Prints one line per measurement and writes JSON (--out). What it measures:
  train   tokens/s at issue 12's shapes (same as bench/gpu.ts)
  matmul  TFLOP/s of the GPT-2 training products (forward X·Wᵀ, dX = dY·W, dW = dYᵀ·X) and 4096²
It does not compare anything; bench/gpu.ts's JSON and this one are read side by side.
Usage: python3 bench/torch/gpt.py [--out FILE] [--quick] [--budget-s 150]
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # as src/model/config.ts
    "tiny": dict(n_layer=2, d_model=128, n_head=4, vocab=256, context=64),
    "small": dict(n_layer=6, d_model=384, n_head=6, vocab=256, context=256),
    "gpt2": dict(n_layer=12, d_model=768, n_head=12, vocab=50257, context=1024),
}
CASES = [("2L d128 T64 B16", "tiny", 16, 64, 30), ("6L d384 T256 B8", "small", 8, 256, 20),
         ("6L d384 T256 B32", "small", 32, 256, 10), ("GPT-2 124M B8 T1024", "gpt2", 8, 1024, 8)]
QUICK_CASES = [("2L d128 T16 B2", "tiny", 2, 16, 2)]


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-5), nn.LayerNorm(d, eps=1e-5)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.mlp_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.mlp_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, n_layer, d_model, n_head, vocab, context):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d_model), nn.Embedding(context, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model, eps=1e-5)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * n_layer) if name.endswith(("proj.weight",)) else 0.02
                nn.init.normal_(p, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T, device=idx.device))
        for b in self.blocks:
            x = b(x)
        logits = F.linear(self.ln_f(x), self.wte.weight)  # tied head
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def train_case(name, preset, B, T, steps, dev):
    cfg = PRESETS[preset]
    torch.manual_seed(1)
    model = GPT(**cfg).to(dev)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8, fused=dev == "cuda")
    batches = [torch.randint(0, cfg["vocab"], (B, T + 1), device=dev) for _ in range(4)]

    def step(i):
        b = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = model(b[:, :-1], b[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    t0 = time.perf_counter()
    first = step(0).item()
    sync()
    first_s = time.perf_counter() - t0
    for i in range(2):
        step(i + 1)
    sync()
    if dev == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for i in range(steps):
        t = time.perf_counter()
        loss = step(i + 3)
        sync()
        times.append(time.perf_counter() - t)
    times.sort()
    ms = 1000 * times[len(times) // 2]
    n_params = sum(p.numel() for p in model.parameters())
    r = dict(name=name, preset=preset, B=B, T=T, ms_per_step=ms, tokens_per_s=B * T * 1000 / ms, first_step_s=first_s,
             first_loss=first, last_loss=loss.item(), params=n_params,
             peak_gib=torch.cuda.max_memory_allocated() / 2**30 if dev == "cuda" else float("nan"),
             samples_ms=[1000 * t for t in times])
    del model, opt
    torch.cuda.empty_cache()
    return r


def matmul_cases(quick):
    rows, C, V = (96, 48, 203) if quick else (8192, 768, 50257)
    out = []
    for name, i, o in [("qkv", C, 3 * C), ("attn proj", C, C), ("fc", C, 4 * C), ("mlp proj", 4 * C, C), ("lm head", C, V)]:
        out += [(f"{name} fwd", "NT", rows, o, i), (f"{name} dX", "NN", rows, i, o), (f"{name} dW", "TN", o, i, rows)]
    sq = 72 if quick else 4096
    return out + [(f"square {sq}", "NN", sq, sq, sq)]


def time_matmul(form, M, N, K, dev):
    # Stored as TabGPT stores them: A (M, K) or (K, M) for TN; B (K, N) or (N, K) for NT.
    a = torch.randn((K, M) if form == "TN" else (M, K), device=dev)
    b = torch.randn((N, K) if form == "NT" else (K, N), device=dev)
    f = {"NN": lambda: a @ b, "NT": lambda: a @ b.t(), "TN": lambda: a.t() @ b}[form]
    f()
    sync()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    reps = 10
    start.record()
    for _ in range(reps):
        f()
    end.record()
    sync()
    ms = start.elapsed_time(end) / reps
    return ms, 2 * M * N * K / (ms * 1e9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/results/gpu-torch.json")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--budget-s", type=float, default=150)
    args = ap.parse_args()
    t0 = time.perf_counter()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    doc = dict(torch=torch.__version__, device=torch.cuda.get_device_name() if dev == "cuda" else "cpu", tf32=False,
               sdpa="scaled_dot_product_attention(is_causal=True)", matmul=[], train=[], notes=[], finished=False)

    def save():
        doc["total_s"] = time.perf_counter() - t0
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)

    print(f"torch {torch.__version__} on {doc['device']}, TF32 off", flush=True)
    if dev == "cuda":
        for name, form, M, N, K in matmul_cases(args.quick):
            ms, tf = time_matmul(form, M, N, K, dev)
            doc["matmul"].append(dict(shape=name, form=form, M=M, N=N, K=K, ms=ms, tflops=tf))
            print(f"  matmul {name:14s} {form} {M}x{N}x{K}: {ms:8.3f} ms {tf:7.2f} TFLOP/s", flush=True)
            save()
    else:
        doc["notes"].append("no CUDA: matmul timing skipped (CUDA events)")
    for name, preset, B, T, steps in (QUICK_CASES if args.quick else CASES):
        if time.perf_counter() - t0 > args.budget_s:
            doc["notes"].append(f"skipped {name}: over budget")
            continue
        r = train_case(name, preset, B, T, steps, dev)
        doc["train"].append(r)
        print(f"  train {name}: {r['tokens_per_s'] / 1000:.1f}k tokens/s, {r['ms_per_step']:.1f} ms/step, "
              f"peak {r['peak_gib']:.2f} GiB, loss {r['first_loss']:.3f} -> {r['last_loss']:.3f}", flush=True)
        save()
    doc["finished"] = True
    save()
    print(f"done in {time.perf_counter() - t0:.0f} s; wrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
