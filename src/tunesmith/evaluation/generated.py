"""Generation mode of ``tunesmith evaluate``: write pieces for a prompt suite and judge them.

For every prompt, ``samples`` pieces (seeds 0…n-1) are generated and kept under
``OUT/samples/`` as they finish, so a run that is stopped resumes where it was (pieces made by
another model, other sampling options or other code are made again, never judged as this
run's). Each piece is then judged: valid (our bar validator, music21, abc2abc), in the
asked style (the style classifier, whose accuracy on real test tunes is the ceiling), in the
key its header writes (the tone CNN) and the asked key and meter, new (bars copied from the
training split, near-duplicates), varied (distinct n-grams), like real tunes of the asked
style (histogram overlap with the test split), shaped like them (sections that repeat, bars
restated, notes in the mode's scale, a held last note, a melody's rests: ``structure.py``)
and, for pieces of several voices, voiced like them (clashes between voices, parallel fifths
and octaves, rests: ``texture.py``), measured on both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..abc import Tune, parse, parse_key, validate
from ..abc.durations import bars, check_bars
from ..abc.tune import AbcError
from ..data.dataset import Dataset
from ..models.judges import Judges, key_label
from ..models.tone_cnn import decode
from ..prompt import interpret
from ..styles import STYLE_DIMENSIONS, TONAL_MODES
from ..tools import ToolError, abc2abc_check
from .distributions import FEATURES, distinct_ngrams, histograms, overlap, overlap_ceiling, pooled
from .novelty import TrainingSet
from .structure import DANCE_FORMS, structure
from .texture import texture

# labels a real tune must share to count as alike, in the order they are let go when too few do
MATCH_DIMENSIONS = ("mode", "period", "tradition", "form")
MIN_MATCHED = 10  # fewer alike real tunes than this: let the next label go


def read_prompts(path: Path) -> list[str]:
    """Prompts, one per line; blank lines and ``#`` comments are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    prompts = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not prompts:
        raise ValueError(f"{path}: no prompts (one per line; # starts a comment)")
    return prompts


@dataclass
class Asked:
    """What the prompt itself asked for (not what the model chose to fill in)."""

    labels: dict[str, str]
    key: str | None
    meter: str | None

    @classmethod
    def of(cls, prompt: str) -> Asked:
        controls = interpret(prompt)
        return cls(dict(controls.labels), controls.key, controls.meter)


def generate_all(generate: Callable[[str, int], list[str]], prompts: list[str], samples: int,
                 out: Path, progress: bool = True, settings: dict | None = None
                 ) -> list[list[str]]:
    """ABC of ``samples`` pieces per prompt; each prompt's pieces are saved when done and
    reused by a later run with the same prompt, sample count and ``settings`` (what made
    them: the model's weights, the code that writes pieces, the sampling options)."""
    folder = out / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for i, prompt in enumerate(tqdm(prompts, desc="generating", unit="prompt",
                                    disable=not progress)):
        path = folder / f"{i:03d}.json"
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if (saved.get("prompt"), len(saved.get("abc", [])), saved.get("settings")) != \
                (prompt, samples, settings):
            saved = {"prompt": prompt, "settings": settings, "abc": generate(prompt, samples)}
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
            tmp.replace(path)
        results.append(saved["abc"])
    return results


def saved_samples(out: Path) -> list[tuple[str, str]]:
    """The prompt and ABC of every piece a report folder ``out`` keeps under ``samples/``,
    prompt by prompt: what benchmarks read to measure a run again."""
    return [(sample["prompt"], abc) for path in sorted((out / "samples").glob("*.json"))
            for sample in [json.loads(path.read_text(encoding="utf-8"))]
            for abc in sample["abc"]]


def saved_pieces(out: Path) -> list[str]:
    """The ABC of every piece ``saved_samples`` finds."""
    return [abc for _, abc in saved_samples(out)]


def beside_real(dataset: Path, reports: list[Path]) -> list[tuple[str, list[Tune]]]:
    """The dataset's test tunes and each report folder's pieces, each named: what a
    benchmark sets side by side."""
    rows = [("real, test split", list(Dataset(dataset).tunes("test")))]
    return rows + [(str(folder), [parse(abc) for abc in saved_pieces(folder)])
                   for folder in reports]


def music21_reads(abc: str) -> bool:
    import music21

    try:
        return bool(music21.converter.parse(abc, format="abc").flatten().notes)
    except Exception:  # noqa: BLE001 - any music21 failure means "does not parse"
        return False


def abc2abc_clean(abc: str) -> bool:
    try:
        report = abc2abc_check(abc)
    except ToolError:
        return False
    return not report.errors


def _same_key(a: str, b: str) -> bool:
    try:
        x, y = parse_key(a), parse_key(b)
    except AbcError:
        return False
    return (x.pitch_class, x.mode) == (y.pitch_class, y.mode)


def asked_key_kept(asked: Asked, written: str) -> bool | None:
    """Whether ``K:`` says what the prompt asked of it: its key ("in D"), else its major or
    minor mode ("小调"); None where it asked neither (a church or Chinese mode is written
    under a major signature as often as its own, as the corpus writes it)."""
    if asked.key:
        return _same_key(asked.key, written)
    if (mode := asked.labels.get("mode")) not in TONAL_MODES:
        return None
    try:
        return parse_key(written).mode == mode
    except AbcError:
        return False


def judge_piece(tune: Tune, asked: Asked, style: dict[str, str], heard: tuple[int, str],
                training: TrainingSet) -> dict:
    """Every per-piece figure of the report."""
    measured = bars(tune)
    in_meter = [b for b in measured if b.expected is not None]
    written = key_label(tune)
    copy = training.copying(tune)
    return {
        "valid_validator": not validate(tune),
        "valid_music21": music21_reads(tune.abc),
        "valid_abc2abc": abc2abc_clean(tune.abc),
        "style": {d: {"asked": asked.labels[d], "heard": style.get(d, "")}
                  for d in STYLE_DIMENSIONS if d in asked.labels},
        "key_written": tune.key, "key_heard": list(heard),
        "mode_written": decode(written)[1] if written is not None else None,
        "key_heard_is_written": written is not None and heard == decode(written),
        "asked_key_kept": asked_key_kept(asked, tune.key),
        "asked_meter_kept": tune.meter == asked.meter if asked.meter else None,
        # a pickup and the short bar that completes it are in the meter, as the validator
        # and real tunes have them
        "bars_in_meter": (1 - len(check_bars(measured)) / len(in_meter) if in_meter else None),
        "bars": len(measured),
        "longest_copied_run": copy.longest_run,
        "near_duplicate": copy.near_duplicate,
    }


def _mean(values: list) -> float:
    kept = [float(v) for v in values if v is not None]
    return float(np.mean(kept)) if kept else float("nan")


def alike(real: list[Tune], asked: Asked, more: Sequence[Tune] = ()) -> list[Tune]:
    """Real tunes sharing the labels the prompt asked for. While fewer than ``MIN_MATCHED``
    of ``real`` do, those of ``more`` (the training split) that do are added; while still too
    few, the label that says least about the music is let go (mode, then period, tradition,
    form), so "an Irish reel in D major" is compared with Irish reels and "a Scottish
    strathspey" with the test split's 8 strathspeys and the training split's, not with every
    test tune (songs and masses). Where no label left finds ten, the tunes sharing the most
    labels, however few (a romantic piano piece against the five in the training split, not
    against reels and masses); with none at all, all of ``real``. A label no tune has is let
    go first: "美国 波尔卡" (an American polka, a form the corpus lacks) is compared with
    American tunes."""
    wanted = {d: v for d, v in asked.labels.items() if d in MATCH_DIMENSIONS
              and any(t.labels.get(d) == v for t in chain(real, more))}
    fewer: list[Tune] = []
    for let_go in range(len(MATCH_DIMENSIONS)):
        kept = {d: v for d, v in wanted.items() if d not in MATCH_DIMENSIONS[:let_go]}
        if not kept:
            break
        matched = [t for t in real if all(t.labels.get(d) == v for d, v in kept.items())]
        if len(matched) < MIN_MATCHED:
            matched += [t for t in more if all(t.labels.get(d) == v for d, v in kept.items())]
        if len(matched) >= MIN_MATCHED:
            return matched
        fewer = fewer or matched
    return fewer or real


def evaluate_generation(generate: Callable[[str, int], list[str]], prompts: list[str],
                        samples: int, data_dir: Path, judges: Judges, out: Path,
                        progress: bool = True, settings: dict | None = None) -> dict:
    """Generate for every prompt, judge every piece; the report as a dict (also the per-piece
    details and the pooled histograms, for plotting)."""
    texts = generate_all(generate, prompts, samples, out, progress, settings)
    train = list(Dataset(data_dir).tunes("train"))
    training = TrainingSet(tqdm(train, desc="indexing training bars", unit="tune",
                                disable=not progress))
    trained = {id(t) for t in train}
    real = Dataset(data_dir).tunes("test")
    counts = {id(t): histograms(t) for t in real}
    key_by_mode = key_accuracy_by_mode(real, judges.keys(real))
    pieces, groups, all_tunes = [], [], []
    for prompt, abcs in zip(tqdm(prompts, desc="judging", unit="prompt", disable=not progress),
                            texts, strict=True):
        asked = Asked.of(prompt)
        tunes = [parse(abc) for abc in abcs]
        all_tunes += tunes
        styles, keys = judges.styles(tunes), judges.keys(tunes)
        judged = [{"prompt": prompt, "seed": i, **judge_piece(t, asked, s, k, training)}
                  for i, (t, s, k) in enumerate(zip(tunes, styles, keys, strict=True))]
        pieces += judged
        like = alike(real, asked, more=train)
        for t in like:  # a training tune's histograms, counted when first alike
            if id(t) not in counts:
                counts[id(t)] = histograms(t)
        like_counts = [counts[id(t)] for t in like]
        gen_h, real_h = pooled(tunes), pooled([], like_counts)
        overlaps = {f: overlap(gen_h[f], real_h[f]) for f in FEATURES}
        ceiling = overlap_ceiling(like_counts, len(tunes))
        if asked.key or like is real:  # the prompt's key, or no real tunes of the style
            overlaps["tonic"] = ceiling["tonic"] = None
        groups.append({"prompt": prompt, "asked": asked.labels, "real_tunes_alike": len(like),
                       "of_them_training": sum(id(t) in trained for t in like),
                       "overlap": overlaps, "overlap_ceiling": ceiling,
                       "distinct": {n: distinct_ngrams(tunes, n) for n in (1, 2, 3, 4)},
                       "dance": asked.labels.get("form") in DANCE_FORMS,
                       "structure": {"generated": structure(tunes, asked.labels.get("mode")),
                                     "real": structure(like)},
                       "texture": {"generated": texture(tunes), "real": texture(like)},
                       "generated_hist": {f: gen_h[f].tolist() for f in FEATURES},
                       "real_hist": {f: real_h[f].tolist() for f in FEATURES}})
    return {"pieces": pieces, "prompts": groups,
            "summary": summarise(pieces, groups, all_tunes, judges, key_by_mode)}


def recall(confusion: dict, label: str) -> float:
    """How often the judge hears ``label`` in real test tunes of that label: the most a
    generated piece asked for it can score. 0 for a label the judge has no class for (no
    training tunes: it can never say it); the judge's overall accuracy for a class it has but
    the test split holds no tunes of."""
    labels, matrix = confusion.get("labels", []), confusion.get("matrix", [])
    if label not in labels:
        return 0.0
    row = matrix[labels.index(label)]
    return row[labels.index(label)] / sum(row) if sum(row) else confusion["accuracy"]


def key_accuracy_by_mode(real: list[Tune], heard: list[tuple[int, str]]) -> dict[str, float]:
    """The tone CNN's key accuracy on real tunes of each written mode: what a piece written in
    that mode can score on "key heard as written" (minor is heard far less often than major)."""
    hits: dict[str, list[bool]] = {}
    for tune, key in zip(real, heard, strict=True):
        if (label := key_label(tune)) is not None:
            written = decode(label)
            hits.setdefault(written[1], []).append(tuple(key) == written)
    return {mode: float(np.mean(h)) for mode, h in hits.items()}


def key_ceiling(pieces: list[dict], key_by_mode: dict[str, float]) -> float:
    """Mean over pieces of the CNN's key accuracy on real tunes of the piece's written mode; a
    piece whose ``K:`` names no key the CNN knows scores 0, one in a mode no real test tune is
    written in is left out (nothing to bound it with)."""
    return _mean([key_by_mode.get(p["mode_written"]) if p["mode_written"] else 0.0
                  for p in pieces])


def summarise(pieces: list[dict], groups: list[dict], tunes: list[Tune], judges: Judges,
              key_by_mode: dict[str, float]) -> dict:
    ceiling = judges.report  # the judges' own scores on real test tunes
    style = {}
    for d in STYLE_DIMENSIONS:
        asked = [p["style"][d] for p in pieces if d in p["style"]]
        real = ceiling.get("styles", {}).get(d, {})
        style[d] = {"pieces": len(asked),
                    "accuracy": _mean([a["asked"] == a["heard"] for a in asked]),
                    "ceiling_on_real_tunes": real.get("accuracy"),
                    "ceiling_for_these_prompts": _mean([recall(real, a["asked"])
                                                        for a in asked]) if real else None}
    valid = ("valid_validator", "valid_music21", "valid_abc2abc")
    return {
        "prompts": len(groups), "pieces": len(pieces),
        "validity": {**{k: _mean([p[k] for p in pieces]) for k in valid},
                     "all_three": _mean([all(p[k] for k in valid) for p in pieces])},
        "style": style,
        "key": {"heard_is_written": _mean([p["key_heard_is_written"] for p in pieces]),
                "ceiling_on_real_tunes": ceiling.get("keys", {}).get("test", {})
                .get("tone_cnn", {}).get("key"),
                "ceiling_for_these_prompts": key_ceiling(pieces, key_by_mode),
                "ceiling_by_mode": key_by_mode,
                "asked_key_kept": _mean([p["asked_key_kept"] for p in pieces])},
        "meter": {"asked_meter_kept": _mean([p["asked_meter_kept"] for p in pieces]),
                  "bars_in_meter": _mean([p["bars_in_meter"] for p in pieces])},
        "novelty": {"longest_copied_run_mean": _mean([p["longest_copied_run"] for p in pieces]),
                    "longest_copied_run_max": max((p["longest_copied_run"] for p in pieces),
                                                  default=0),
                    "share_with_4_copied_bars": _mean([p["longest_copied_run"] >= 4
                                                       for p in pieces]),
                    "near_duplicates": _mean([p["near_duplicate"] > 0 for p in pieces])},
        "diversity": {"within_prompt": {n: _mean([g["distinct"][n] for g in groups])
                                        for n in (1, 2, 3, 4)},
                      "all_pieces": {n: distinct_ngrams(tunes, n) for n in (1, 2, 3, 4)}},
        "overlap_with_real": {f: _mean([g["overlap"][f] for g in groups]) for f in FEATURES},
        # what as many real tunes alike reach against the others: the most a prompt's few
        # pieces can be expected to score (``overlap_ceiling``)
        "overlap_ceiling": {f: _mean([g["overlap_ceiling"][f] for g in groups])
                            for f in FEATURES},
        "structure": {
            kind: {"dance_tunes_that_repeat": _mean([g["structure"][kind]["repeats"]
                                                     for g in groups if g["dance"]]),
                   "bars_restated": _mean([g["structure"][kind]["self_similarity"]
                                           for g in groups]),
                   "notes_in_scale": _mean([g["structure"][kind]["scale_fit"] for g in groups]),
                   "endings_held_a_beat": _mean([g["structure"][kind]["ending_held"]
                                                 for g in groups]),
                   # over the prompts whose pieces are melodies
                   "time_melodies_rest": _mean([
                       g["structure"][kind]["resting"] for g in groups
                       if g["structure"]["generated"]["resting"] is not None]),
                   # over the prompts whose melodies close sections before their end
                   "melody_sections_in_4_bar_phrases": _mean([
                       g["structure"][kind]["phrased"] for g in groups
                       if g["structure"]["generated"]["phrased"] is not None])}
            for kind in ("generated", "real")},
        # over the prompts whose pieces have several voices, beside the real tunes alike
        "texture": {kind: {m: _mean([g["texture"][kind][m] for g in groups
                                     if g["texture"]["generated"][m] is not None])
                           for m in groups[0]["texture"][kind]} if groups else {}
                    for kind in ("generated", "real")},
    }

