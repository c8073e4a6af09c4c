#!/usr/bin/env python3
"""Build the PyTorch parity fixtures that tests/engine_parity.rs checks the engine against.

The model below is the GPT of Raschka's *Build a Large Language Model (from Scratch)*, written
out here with the lab's conventions (see ../shared/CURRICULUM.md): token + position embeddings,
embedding dropout, pre-LayerNorm blocks with causal multi-head attention and dropout on the
attention weights and on both residual branches, a GELU(tanh) feed-forward four times as wide,
a final LayerNorm and an untied, bias-free output head. Parameter and buffer names match the
book's `GPTModel`, so `model.safetensors` looks exactly like a checkpoint a reader of the book
would save with `safetensors.torch.save_file(model.state_dict(), ...)`.

For every configuration in CONFIGS it writes, under tests/fixtures/<name>/:

  model.safetensors     the state_dict (F32, including the `trf_blocks.N.att.mask` buffers),
                        with metadata `config` = the book's configuration dictionary as JSON
  input.safetensors     `input_ids` and `target_ids` (I64, [B, T])
  expected.safetensors  `logits` [B, T, vocab], `loss` (scalar, mean cross-entropy) and
                        `grad.<parameter name>` for every parameter, all F32, computed in eval
                        mode (no dropout)
  trace.safetensors     named intermediates of the forward pass, under the engine's paths
                        (`drop_emb.out`, `trf_blocks.N.norm1.out`, `...att.scores` (raw
                        q·k, before mask and scaling), `...att.weights` [B, H, T, T],
                        `...att.context`, `...att.out`, `...shortcut1.out`, `...norm2.out`,
                        `...ff.hidden` (before GELU), `...ff.gelu`, `...ff.out`,
                        `trf_blocks.N.out`, `final_norm.out`), to find which op differs
                        when parity fails

The numbers are computed in float32, as a learner's PyTorch run would compute them, and the
same model is re-run in float64 as a self-check: the script refuses to write fixtures whose
float32 values stray from float64 by more than a small tolerance.

Rerun (from the repository root, with PyTorch from PyPI):

    python3 -m venv ~/.venvs/torch && ~/.venvs/torch/bin/pip install torch numpy safetensors
    ~/.venvs/torch/bin/python scripts/parity_fixtures.py            # writes tests/fixtures/
    ~/.venvs/torch/bin/python scripts/parity_fixtures.py --out DIR  # somewhere else

The output is deterministic for a given PyTorch version (seeded generators, one thread).

The other direction, a checkpoint the lab saved, loads into this PyTorch model with

    ~/.venvs/torch/bin/python scripts/parity_fixtures.py --check-lab-checkpoint M.safetensors

which builds the model from the file's `config` metadata, loads every parameter (only the mask
buffers, which the lab does not store, may be absent) and prints the logits of a short input.
"""

import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

# Small on purpose: the fixtures are committed and `cargo test` reads them on every run.
CONFIGS = {
    # No qkv bias, three heads, a sequence shorter than the context (the mask must be sliced).
    "gpt_nobias": dict(
        model=dict(vocab_size=50, context_length=8, emb_dim=12, n_heads=3, n_layers=2,
                   drop_rate=0.1, qkv_bias=False),
        batch=2, seq_len=6, seed=1234,
    ),
    # With qkv bias, two heads, three layers, a sequence that fills the whole context.
    "gpt_qkvbias": dict(
        model=dict(vocab_size=64, context_length=10, emb_dim=16, n_heads=2, n_layers=3,
                   drop_rate=0.0, qkv_bias=True),
        batch=3, seq_len=10, seed=98765,
    ),
}

# Largest difference allowed between the float32 run and the float64 run of the same model.
SELF_CHECK_TOL = 1e-5

# Factor applied to the default initialisation of every linear weight (see build_model).
WEIGHT_GAIN = 3.0


class Trace:
    """Collects named intermediates when enabled; a no-op otherwise."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.values = {}

    def put(self, name, tensor):
        if self.enabled:
            self.values[name] = tensor.detach().clone()


class LayerNorm(nn.Module):
    """Normalises the last axis with the population variance, then scales and shifts."""

    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.scale = nn.Parameter(torch.ones(dim))
        self.shift = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        centred = x - x.mean(dim=-1, keepdim=True)
        variance = x.var(dim=-1, keepdim=True, unbiased=False)
        return self.scale * centred / torch.sqrt(variance + self.eps) + self.shift


class GeluTanh(nn.Module):
    """GELU in the tanh form used by GPT-2 and the book."""

    def forward(self, x):
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)
        return 0.5 * x * (1.0 + torch.tanh(inner))


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        # Indices 0 and 2 give the book's parameter names ff.layers.0.* and ff.layers.2.*.
        self.layers = nn.Sequential(nn.Linear(dim, 4 * dim), GeluTanh(), nn.Linear(4 * dim, dim))

    def forward(self, x, trace, prefix):
        hidden = self.layers[0](x)
        activated = self.layers[1](hidden)
        out = self.layers[2](activated)
        trace.put(prefix + ".hidden", hidden)
        trace.put(prefix + ".gelu", activated)
        trace.put(prefix + ".out", out)
        return out


class CausalMultiHeadAttention(nn.Module):
    def __init__(self, dim, context_length, drop_rate, n_heads, qkv_bias):
        super().__init__()
        if dim % n_heads != 0:
            raise ValueError(f"n_heads {n_heads} does not divide emb_dim {dim}")
        self.n_heads = n_heads
        self.head_dim = dim // n_heads
        self.W_query = nn.Linear(dim, dim, bias=qkv_bias)
        self.W_key = nn.Linear(dim, dim, bias=qkv_bias)
        self.W_value = nn.Linear(dim, dim, bias=qkv_bias)
        self.out_proj = nn.Linear(dim, dim)
        self.dropout = nn.Dropout(drop_rate)
        # 1 above the diagonal marks the future positions a token may not see.
        self.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), diagonal=1))

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.n_heads, self.head_dim).transpose(1, 2)

    def forward(self, x, trace, prefix):
        b, t, dim = x.shape
        q = self.split_heads(self.W_query(x))
        k = self.split_heads(self.W_key(x))
        v = self.split_heads(self.W_value(x))
        scores = q @ k.transpose(2, 3)
        future = self.mask.bool()[:t, :t]
        masked = scores.masked_fill(future, float("-inf"))
        weights = torch.softmax(masked / math.sqrt(self.head_dim), dim=-1)
        trace.put(prefix + ".scores", scores)
        trace.put(prefix + ".weights", weights)
        weights = self.dropout(weights)
        context = (weights @ v).transpose(1, 2).contiguous().view(b, t, dim)
        out = self.out_proj(context)
        trace.put(prefix + ".context", context)
        trace.put(prefix + ".out", out)
        return out


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        dim = cfg["emb_dim"]
        self.att = CausalMultiHeadAttention(dim, cfg["context_length"], cfg["drop_rate"],
                                            cfg["n_heads"], cfg["qkv_bias"])
        self.ff = FeedForward(dim)
        self.norm1 = LayerNorm(dim)
        self.norm2 = LayerNorm(dim)
        self.drop_shortcut = nn.Dropout(cfg["drop_rate"])

    def forward(self, x, trace, prefix):
        normed = self.norm1(x)
        trace.put(prefix + ".norm1.out", normed)
        attended = self.att(normed, trace, prefix + ".att")
        x = x + self.drop_shortcut(attended)
        trace.put(prefix + ".shortcut1.out", x)
        normed = self.norm2(x)
        trace.put(prefix + ".norm2.out", normed)
        x = x + self.drop_shortcut(self.ff(normed, trace, prefix + ".ff"))
        trace.put(prefix + ".out", x)
        return x


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.drop_emb = nn.Dropout(cfg["drop_rate"])
        self.trf_blocks = nn.Sequential(*[TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.final_norm = LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, ids, trace=None):
        trace = trace or Trace(False)
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.tok_emb(ids) + self.pos_emb(positions)
        x = self.drop_emb(x)
        trace.put("drop_emb.out", x)
        for i, block in enumerate(self.trf_blocks):
            x = block(x, trace, f"trf_blocks.{i}")
        x = self.final_norm(x)
        trace.put("final_norm.out", x)
        return self.out_head(x)


def build_model(cfg, seed):
    """The book's default initialisation, then moved away from its easy special cases.

    A freshly built model has every norm scale 1 and shift 0, and linear weights so small that
    attention is nearly uniform and the logits nearly flat; a mistake in a norm's scale, in the
    softmax or in its backward could hide there. So norms and biases get seeded random values and
    linear weights are scaled by WEIGHT_GAIN, which gives peaked attention and a spread of logits.
    """
    torch.manual_seed(seed)
    model = GPTModel(cfg)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(".scale"):
                param.copy_(1.0 + 0.2 * torch.randn(param.shape, generator=gen))
            elif name.endswith(".shift") or name.endswith(".bias"):
                param.copy_(0.1 * torch.randn(param.shape, generator=gen))
            elif name.endswith(".weight") and "_emb." not in name:
                param.mul_(WEIGHT_GAIN)
    return model


def evaluate(model, input_ids, target_ids, with_trace):
    """Eval-mode forward, mean cross-entropy and every parameter's gradient."""
    model.eval()
    model.zero_grad(set_to_none=True)
    trace = Trace(with_trace)
    logits = model(input_ids, trace)
    loss = nn.functional.cross_entropy(logits.flatten(0, 1), target_ids.flatten())
    loss.backward()
    grads = {name: p.grad.detach().clone() for name, p in model.named_parameters()}
    return logits.detach(), loss.detach(), grads, trace.values


def max_gap(a, b):
    return (a.double() - b.double()).abs().max().item() if a.numel() else 0.0


def make_fixture(name, spec, out_dir):
    cfg = spec["model"]
    model = build_model(cfg, spec["seed"])
    gen = torch.Generator().manual_seed(spec["seed"] + 2)
    # One extra column so targets are the inputs shifted by one, as in the book's data loader.
    tokens = torch.randint(0, cfg["vocab_size"], (spec["batch"], spec["seq_len"] + 1), generator=gen)
    input_ids = tokens[:, :-1].contiguous()
    target_ids = tokens[:, 1:].contiguous()

    logits, loss, grads, trace = evaluate(model, input_ids, target_ids, with_trace=True)

    # Self-check: the same weights in float64 must agree with the float32 numbers.
    model64 = build_model(cfg, spec["seed"]).double()
    logits64, loss64, grads64, _ = evaluate(model64, input_ids, target_ids, with_trace=False)
    gaps = {"logits": max_gap(logits, logits64), "loss": max_gap(loss, loss64)}
    gaps.update({f"grad.{n}": max_gap(g, grads64[n]) for n, g in grads.items()})
    worst = max(gaps, key=gaps.get)
    if gaps[worst] > SELF_CHECK_TOL:
        sys.exit(f"{name}: float32 and float64 disagree on {worst} by {gaps[worst]:.3g}")

    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(folder, "model.safetensors"), metadata={"config": json.dumps(cfg)})
    save_file({"input_ids": input_ids, "target_ids": target_ids},
              os.path.join(folder, "input.safetensors"))
    expected = {"logits": logits.contiguous(), "loss": loss.reshape(())}
    expected.update({f"grad.{n}": g.contiguous() for n, g in grads.items()})
    save_file(expected, os.path.join(folder, "expected.safetensors"))
    save_file({k: v.contiguous() for k, v in trace.items()}, os.path.join(folder, "trace.safetensors"))

    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {n_params} parameters, loss {loss.item():.6f}, "
          f"float32 vs float64 worst gap {gaps[worst]:.2e} ({worst})")


def check_lab_checkpoint(path):
    """Loads a checkpoint written by `checkpoint::save` into the PyTorch model."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(path, framework="pt") as handle:
        metadata = handle.metadata() or {}
    if "config" not in metadata:
        sys.exit(f"{path} has no `config` metadata")
    cfg = json.loads(metadata["config"])
    model = GPTModel(cfg)
    result = model.load_state_dict(load_file(path), strict=False)
    not_masks = [k for k in result.missing_keys if not k.endswith(".att.mask")]
    if not_masks or result.unexpected_keys:
        sys.exit(f"{path}: missing {not_masks}, unexpected {result.unexpected_keys}")
    model.eval()
    ids = torch.arange(min(4, cfg["context_length"])).remainder(cfg["vocab_size"]).unsqueeze(0)
    with torch.no_grad():
        logits = model(ids)
    print(f"{path}: loaded {sum(p.numel() for p in model.parameters())} parameters, config {cfg}")
    print(f"logits of ids {ids.tolist()[0]}, last position, first 5: {logits[0, -1, :5].tolist()}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="Write the engine's PyTorch parity fixtures.")
    parser.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures"),
                        help="folder to write one subfolder per configuration into")
    parser.add_argument("--check-lab-checkpoint", metavar="PATH",
                        help="instead of writing fixtures, load a checkpoint the lab saved")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.check_lab_checkpoint:
        check_lab_checkpoint(args.check_lab_checkpoint)
        return
    for name, spec in CONFIGS.items():
        make_fixture(name, spec, args.out)


if __name__ == "__main__":
    main()
