"""The bundled model still writes, seed for seed, the pieces it wrote before the sampler,
tracker and decode loop were moved into their own modules (issue #15): one voice and four,
guidance, rerank, sampling options, an asked key, meter and tempo. Both engines must write
them: ONNX Runtime (the default) and PyTorch (issue #18). A change that alters a piece fails
here; after a deliberate one (a new default model, a new sampling rule), write
the new pieces with ``python tests/test_same_pieces.py`` and say why in the commit."""

import json
from pathlib import Path

import pytest

from tunesmith import Composer

PINNED = Path(__file__).parent / "data" / "default_pieces.json"
CASES = json.loads(PINNED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["onnx", "torch"])
def composer(request):
    return Composer.load(engine=request.param)


@pytest.mark.parametrize("case", CASES, ids=[c["prompt"] for c in CASES])
def test_same_seed_same_piece_as_before(composer, case):
    pieces = composer.generate(case["prompt"], **case["options"])
    assert [p.abc for p in pieces] == case["abc"]


if __name__ == "__main__":  # pin what the bundled model writes now
    composer = Composer.load(engine="onnx")
    for case in CASES:
        case["abc"] = [p.abc for p in composer.generate(case["prompt"], **case["options"])]
    PINNED.write_text(json.dumps(CASES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"pinned {sum(len(c['abc']) for c in CASES)} pieces in {PINNED}")
