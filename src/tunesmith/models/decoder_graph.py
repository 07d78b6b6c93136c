"""The transformer's decode step as an ONNX graph, for ONNX Runtime (``tunesmith.engine``).

One graph serves the whole of decoding: ``ids`` (B, S) for rows whose caches ``past_k_i``/
``past_v_i`` (B, H, max, D) hold ``seqlens + 1 - S`` positions each (``seqlens``: each row's
last position after this call, ``total``: the largest length) gives the last position's
logits (B, V) and writes the new keys and values into the same buffers (``present_*`` bound
to ``past_*``), so a step copies nothing and rows may stand at different positions: the
server decodes requests of different lengths in one batch. Attention is ONNX Runtime's
``GroupQueryAttention`` (com.microsoft; here with as many key heads as query heads, rotary
positions in the halves layout of ``transformer.py``), everything else standard ops written
op by op after ``transformer.py`` (pre-norm blocks, rotary or learned positions, tied head).
Its weights are not copied: each initializer points at its bytes inside the checkpoint's
``model.safetensors`` (ONNX external data), so ``model.onnx`` is a few kilobytes and cannot
drift from the weights it was written for; ``WEIGHTS_KEY`` records which layout it read.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np

from .config import TransformerConfig

GRAPH = "model.onnx"
WEIGHTS_KEY = "tunesmith.weights_header_sha256"  # metadata: the safetensors it points into
_OPSET = 20


def weights_header(weights: Path) -> tuple[dict, int, str]:
    """The safetensors header of ``weights``: tensors by name, where their data starts, and
    the header's sha256 (which names the layout the graph's offsets are into)."""
    with open(weights, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        if size > 100_000_000:
            raise ValueError(f"{weights}: not a safetensors file (header of {size} bytes)")
        raw = f.read(size)
    return json.loads(raw), 8 + size, hashlib.sha256(raw).hexdigest()


def has_graph(config) -> bool:
    """Whether a model of ``config`` decodes with a graph: a transformer without a text
    prefix (RNNs and prompt-embedding prefixes decode with PyTorch only)."""
    return isinstance(config, TransformerConfig) and not config.text_dim


def write_graph(config: TransformerConfig, checkpoint: Path) -> Path:
    """Write ``checkpoint/model.onnx`` for the weights in ``checkpoint/model.safetensors``."""
    import onnx
    from onnx import TensorProto, helper

    if not has_graph(config):
        raise ValueError("only a transformer without a text prefix has an ONNX graph")
    header, data_start, digest = weights_header(checkpoint / "model.safetensors")
    nodes, inits = [], []
    C, H = config.d_model, config.n_head
    D = C // H

    def node(op: str, inputs: list[str], out: str | None = None, **attrs) -> str:
        out = out or f"t{len(nodes)}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def const(name: str, value: np.ndarray) -> str:
        inits.append(onnx.numpy_helper.from_array(value, name))
        return name

    def weight(name: str) -> str:
        entry = header.get(name)
        if entry is None or entry["dtype"] != "F32":
            raise ValueError(f"model.safetensors lacks {name} as float32")
        begin, end = entry["data_offsets"]
        tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=entry["shape"])
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", "model.safetensors"),
                           ("offset", str(data_start + begin)), ("length", str(end - begin))):
            tensor.external_data.add(key=key, value=value)
        if name not in {t.name for t in inits}:
            inits.append(tensor)
        return name

    def linear(x: str, name: str) -> str:  # x @ W.T, as nn.Linear without bias
        return node("MatMul", [x, node("Transpose", [weight(name)], perm=[1, 0])])

    def norm(x: str, name: str) -> str:
        return node("LayerNormalization", [x, weight(name)], axis=-1, epsilon=1e-5)

    def ints(*values: int) -> str:
        return const(f"i{len(inits)}", np.array(values, dtype=np.int64))

    x = node("Gather", [weight("embed.weight"), "ids"])
    rotary = {}
    if config.positions == "learned":  # row b's positions: seqlens[b] + 1 - S ... seqlens[b]
        new = node("Slice", [node("Shape", ["ids"]), ints(1), ints(2)])
        last = node("Cast", [node("Unsqueeze", ["seqlens", ints(1)])], to=TensorProto.INT64)
        steps = node("Range", [const("zero", np.array(0, np.int64)),
                               node("Squeeze", [new, ints(0)]),
                               const("one", np.array(1, np.int64))])
        positions = node("Add", [node("Sub", [node("Add", [last, ints(1)]), new]),
                                 node("Unsqueeze", [steps, ints(0)])])
        x = node("Add", [x, node("Gather", [weight("pos_embed.weight"), positions])])
    else:
        # the tables of ``transformer._rope_tables``, made at load (constant-folded by ORT)
        inv = const("inv_freq", 1.0 / (10000 ** (np.arange(0, D, 2, dtype=np.float32) / D)))
        every = const("positions", np.arange(config.context, dtype=np.float32)[:, None])
        angles = node("Mul", [every, inv])
        rotary = {"do_rotary": 1, "rotary_interleaved": 0}
        cos_sin = [node("Cos", [angles]), node("Sin", [angles])]

    def add_norm(x: str, branch: str, name: str) -> tuple[str, str]:
        """x + branch, and its layer norm: one fused op (ORT fuses few of these itself)."""
        out = f"t{len(nodes)}"
        nodes.append(helper.make_node(
            "SkipLayerNormalization", [x, branch, weight(name)], [out, "", "", out + "_sum"],
            domain="com.microsoft", epsilon=1e-5))
        return out, out + "_sum"

    h = norm(x, "blocks.0.norm1.weight")
    for layer in range(config.n_layer):
        p = f"blocks.{0 if config.share_layers else layer}."
        following = (f"blocks.{0 if config.share_layers else layer + 1}.norm1.weight"
                     if layer + 1 < config.n_layer else "norm.weight")
        # packed q, k, v in one input: the op splits them itself
        nodes.append(helper.make_node(
            "GroupQueryAttention",
            [linear(h, p + "attn.qkv.weight"), "", "", f"past_k_{layer}", f"past_v_{layer}",
             "seqlens", "total", *(cos_sin if rotary else [])],
            [f"y{layer}", f"present_k_{layer}", f"present_v_{layer}"], domain="com.microsoft",
            num_heads=H, kv_num_heads=H, **rotary))
        h, x = add_norm(x, linear(f"y{layer}", p + "attn.proj.weight"), p + "norm2.weight")
        hidden = node("Gelu", [linear(h, p + "mlp.0.weight")])
        h, x = add_norm(x, linear(hidden, p + "mlp.2.weight"), following)
    last = node("Squeeze", [node("Slice", [h, ints(-1), ints(np.iinfo(np.int64).max),
                                           ints(1)]), ints(1)])
    node("MatMul", [last, node("Transpose", [weight("embed.weight")], perm=[1, 0])], "logits")

    cache = ["batch", H, "max", D]
    graph = helper.make_graph(
        nodes, "tunesmith-decode-step",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "new"]),
         helper.make_tensor_value_info("seqlens", TensorProto.INT32, ["batch"]),
         helper.make_tensor_value_info("total", TensorProto.INT32, [])]
        + [helper.make_tensor_value_info(f"past_{kv}_{i}", TensorProto.FLOAT, cache)
           for i in range(config.n_layer) for kv in "kv"],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", config.vocab_size])]
        + [helper.make_tensor_value_info(f"present_{kv}_{i}", TensorProto.FLOAT, cache)
           for i in range(config.n_layer) for kv in "kv"],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="tunesmith")
    model.ir_version = 9
    helper.set_model_props(model, {WEIGHTS_KEY: digest, "context": str(config.context)})
    out = checkpoint / GRAPH
    tmp = out.with_suffix(".onnx.tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(out)
    return out
