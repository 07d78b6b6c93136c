"""The transformer's decode step as an ONNX graph, for ONNX Runtime (``tunesmith.engine``).

One graph serves the whole of decoding: ``ids`` (B, T) after ``past_k_i``/``past_v_i`` (B, H,
P, D) for each applied block gives the last position's logits (B, V) and ``present_k_i``/
``present_v_i`` (B, H, P+T, D); a prompt is one call with P = 0, each further token one call
with T = 1. It is written by hand, op by op after ``transformer.py`` (pre-norm blocks, rotary
or learned positions, tied head), so it reads like the model and needs no tracer. Its weights
are not copied: each initializer points at its bytes inside the checkpoint's
``model.safetensors`` (ONNX external data), so ``model.onnx`` is a few kilobytes and cannot
drift from the weights it was written for; ``WEIGHTS_KEY`` records which file it read.
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


def write_graph(config: TransformerConfig, checkpoint: Path) -> Path:
    """Write ``checkpoint/model.onnx`` for the weights in ``checkpoint/model.safetensors``."""
    import onnx
    from onnx import TensorProto, helper

    if config.text_dim:
        raise ValueError("a model with a text prefix decodes with PyTorch only")
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

    # P (cached positions) and T (new ones), as 1-element and scalar int64
    past = node("Slice", [node("Shape", ["past_k_0"]), ints(2), ints(3)])
    new = node("Slice", [node("Shape", ["ids"]), ints(1), ints(2)])
    end = node("Add", [past, new])
    zero = ints(0)
    scalar_past, scalar_end = (node("Squeeze", [v, zero]) for v in (past, end))
    positions = node("Range", [scalar_past, scalar_end, const("one", np.array(1, np.int64))])

    x = node("Gather", [weight("embed.weight"), "ids"])
    rope = None
    if config.positions == "learned":
        x = node("Add", [x, node("Gather", [weight("pos_embed.weight"), positions])])
    else:
        inv = 1.0 / (10000 ** (np.arange(0, D, 2, dtype=np.float32) / D))
        angles = node("Mul", [node("Unsqueeze", [node("Cast", [positions], to=TensorProto.FLOAT),
                                                 ints(1)]), const("inv_freq", inv)])
        rope = node("Cos", [angles]), node("Sin", [angles])
    # causal over the new positions, all of the past: key j is seen by query i iff j <= P + i
    keys = node("Range", [const("zero_scalar", np.array(0, np.int64)), scalar_end,
                          "one"])
    seen = node("LessOrEqual", [node("Unsqueeze", [keys, zero]),
                                node("Unsqueeze", [positions, ints(1)])])
    mask = node("Where", [seen, const("open", np.array(0.0, np.float32)),
                          const("shut", np.array(-np.inf, np.float32))])
    heads, merged = ints(0, 0, H, D), ints(0, 0, C)
    half = [ints(0), ints(D // 2), ints(D // 2), ints(D), ints(3)]

    def rotate(t: str) -> str:
        a = node("Slice", [t, half[0], half[1], half[4]])
        b = node("Slice", [t, half[2], half[3], half[4]])
        cos, sin = rope
        return node("Concat", [node("Sub", [node("Mul", [a, cos]), node("Mul", [b, sin])]),
                               node("Add", [node("Mul", [a, sin]), node("Mul", [b, cos])])],
                    axis=3)

    for layer in range(config.n_layer):
        p = f"blocks.{0 if config.share_layers else layer}."
        qkv = linear(norm(x, p + "norm1.weight"), p + "attn.qkv.weight")
        split = [f"q{layer}", f"k{layer}", f"v{layer}"]
        nodes.append(helper.make_node("Split", [qkv], split, axis=2, num_outputs=3))
        q, k, v = (node("Transpose", [node("Reshape", [t, heads])], perm=[0, 2, 1, 3])
                   for t in split)
        if rope is not None:
            q, k = rotate(q), rotate(k)
        k = node("Concat", [f"past_k_{layer}", k], f"present_k_{layer}", axis=2)
        v = node("Concat", [f"past_v_{layer}", v], f"present_v_{layer}", axis=2)
        scores = node("MatMul", [q, node("Transpose", [k], perm=[0, 1, 3, 2])])
        scores = node("Add", [node("Mul", [scores, const(f"scale{layer}", np.array(
            1 / np.sqrt(D), np.float32))]), mask])
        y = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        y = node("Reshape", [node("Transpose", [y], perm=[0, 2, 1, 3]), merged])
        x = node("Add", [x, linear(y, p + "attn.proj.weight")])
        hidden = node("Gelu", [linear(norm(x, p + "norm2.weight"), p + "mlp.0.weight")])
        x = node("Add", [x, linear(hidden, p + "mlp.2.weight")])
    last = node("Squeeze", [node("Slice", [norm(x, "norm.weight"), ints(-1),
                                           ints(np.iinfo(np.int64).max), ints(1)]), ints(1)])
    node("MatMul", [last, node("Transpose", [weight("embed.weight")], perm=[1, 0])], "logits")

    cache = ["batch", H, "past", D]
    present = ["batch", H, "total", D]
    graph = helper.make_graph(
        nodes, "tunesmith-decode-step",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "new"])]
        + [helper.make_tensor_value_info(f"past_{kv}_{i}", TensorProto.FLOAT, cache)
           for i in range(config.n_layer) for kv in "kv"],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", config.vocab_size])]
        + [helper.make_tensor_value_info(f"present_{kv}_{i}", TensorProto.FLOAT, present)
           for i in range(config.n_layer) for kv in "kv"],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)],
                              producer_name="tunesmith")
    model.ir_version = 9
    helper.set_model_props(model, {WEIGHTS_KEY: digest, "context": str(config.context)})
    out = checkpoint / GRAPH
    tmp = out.with_suffix(".onnx.tmp")
    tmp.write_bytes(model.SerializeToString())
    tmp.replace(out)
    return out
