"""``tunesmith prepare``: corpora → a tokenized, split, reported dataset directory
(its files: ``data/dataset.py``). Each tune's tokens are ``<bos> controls music <eos>``;
``splits/{split}.txt`` lists the tune ids of each split; ``cache/`` keeps one file per input
file read, so a killed run resumes from there; the manifest's fingerprint of inputs and
settings lets a rerun skip when nothing changed.

Reading files is the slow part, so it runs on every core and is cached per file; dedupe,
split and tokenization run over the whole corpus and take seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from ..abc import AbcError, Tokenizer, TokenizerConfig, Tune, bars, tune_from_dict, tune_to_dict
from ..abc.durations import check_bars
from ..abc.keys import parse_key
from ..abc.tokenizer import model_text
from ..styles import control_tokens, tokens_for
from .abc_source import Collection, music21_abc_collections
from .dataset import TOKEN_DTYPE, Dataset
from .dedupe import SPLITS, dedupe, split, tune_id
from .folder import folder_files, read_file
from .records import Skip
from .scores import music21_score_collections

PIPELINE_VERSION = "9"  # bump when reading or normalising changes, to invalidate caches
BUILTIN_SOURCES = ("music21-abc", "music21-scores")


@dataclass
class PrepareConfig:
    out: Path
    sources: list[str] = field(default_factory=lambda: list(BUILTIN_SOURCES))
    workers: int = max(1, os.cpu_count() or 1)
    tokenizer: TokenizerConfig = field(default_factory=lambda: TokenizerConfig(canonical=True))
    valid_fraction: float = 0.05
    test_fraction: float = 0.05
    score_cache: Path | None = None  # converted scores; default ~/.cache/tunesmith/scores
    # a model's vocabulary to tokenize with (its vocab.json, or the checkpoint holding it), so
    # ``train --init`` can carry that model on over data read anew; None: built from train
    vocab: Path | None = None


def given_vocabulary(path: Path) -> Tokenizer:
    """The vocabulary at ``path`` (a vocab.json or a checkpoint folder), checked to hold every
    control token a dataset's rows begin with."""
    tokenizer = Tokenizer.load(path / "vocab.json" if path.is_dir() else path)
    missing = [t for t in control_tokens() if t not in tokenizer.ids]
    if missing:
        raise ValueError(f"{path}: the vocabulary lacks control tokens {missing[:5]} "
                         f"({len(missing)} in all); prepare without --vocab")
    return tokenizer


@dataclass(frozen=True)
class _Item:
    source: str
    path: Path
    defaults: dict[str, str]
    licence: str

    def cache_key(self) -> str:
        st = self.path.stat()
        readable = os.access(self.path, os.R_OK)  # a chmod +r must bring the file back in
        text = (f"{PIPELINE_VERSION}|{self.source}|{self.path}|{st.st_size}|{st.st_mtime_ns}|"
                f"{readable}|")
        text += json.dumps(self.defaults, sort_keys=True)
        return hashlib.sha1(text.encode()).hexdigest()


def collections_for(source: str) -> list[Collection]:
    """The collections a ``--source`` names: a built-in corpus, a folder or a single file."""
    if source == "music21-abc":
        return music21_abc_collections()
    if source == "music21-scores":
        return music21_score_collections()
    path = Path(source).expanduser()
    if path.is_dir():
        unread: list[Skip] = []
        files = tuple(folder_files(path, unread))
        return [Collection(f"folder:{path.name}", files, "user-supplied", unread=tuple(unread))]
    if path.is_file():
        return [Collection(f"file:{path.name}", (path,), "user-supplied")]
    raise FileNotFoundError(f"--source {source!r} is neither {' nor '.join(BUILTIN_SOURCES)} "
                            "nor an existing folder or file")


def _read_item(args: tuple[_Item, str | None]) -> dict:
    """One file's tunes and skips. Whatever one file holds, it is skipped with its reason
    rather than stopping the whole run (a 100,000-level JSON, a 5,000-digit length …)."""
    item, score_cache = args
    try:
        tunes, skips = read_file(item.path, item.source, item.defaults,
                                 Path(score_cache) if score_cache else None)
    except (ValueError, RecursionError, OSError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:300]
        return {"tunes": [], "skips": [asdict(Skip(str(item.path), f"cannot be read: {reason}"))]}
    records = []
    for tune in tunes:
        tune.meta.setdefault("licence", item.licence)
        try:
            # an unpaired surrogate (e.g. "\ud800" in JSON) is not text
            "".join([tune.abc, *map(str, tune.meta.values())]).encode("utf-8")
            measured = bars(tune)
        except (AbcError, UnicodeEncodeError) as exc:
            skips.append(Skip(tune.origin or str(item.path), f"cannot be read: {str(exc)[:300]}"))
            continue
        records.append({"tune": tune_to_dict(tune), "problems": len(check_bars(measured)),
                        "strict_problems": len(check_bars(measured, strict=True))})
    return {"tunes": records, "skips": [asdict(s) for s in skips]}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _read_all(items: list[_Item], config: PrepareConfig, progress: bool) -> list[dict]:
    """Each item's cached reading, reading (in parallel) only the items not cached yet."""
    from tqdm import tqdm

    cache = Dataset(config.out).cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    keys = [item.cache_key() for item in items]
    todo = [i for i, k in enumerate(keys) if not (cache / f"{k}.json").exists()]
    score_cache = str(config.score_cache) if config.score_cache else None
    if todo:
        jobs = [(items[i], score_cache) for i in todo]
        bar = tqdm(total=len(jobs), desc="reading corpus files", unit="file", disable=not progress)
        if config.workers > 1 and len(jobs) > 1:
            with get_context("fork").Pool(config.workers, maxtasksperchild=200) as pool:
                for i, result in zip(todo, pool.imap(_read_item, jobs, chunksize=1),
                                     strict=True):
                    _write_atomic(cache / f"{keys[i]}.json", json.dumps(result))
                    bar.update()
        else:
            for i, job in zip(todo, jobs, strict=True):
                _write_atomic(cache / f"{keys[i]}.json", json.dumps(_read_item(job)))
                bar.update()
        bar.close()
    return [json.loads((cache / f"{k}.json").read_text(encoding="utf-8")) for k in keys]


def encode_tune(tokenizer: Tokenizer, tune: Tune, text: str | None = None) -> list[int]:
    """A tune as the model sees it: <bos>, its control tokens, its music (``text``, or the
    tokenizer's text of the tune), <eos>."""
    controls = [tokenizer.token_id(t) for t in tokens_for(tune.labels)]
    music = tokenizer.encode(tokenizer.text_of(tune) if text is None else text)
    return [tokenizer.bos_id, *controls, *music, tokenizer.eos_id]


def prefix_length(tokenizer: Tokenizer, tune: Tune, text: str) -> int:
    """Tokens before the music of ``encode_tune``'s output: <bos>, controls, header lines."""
    header = text[:text.index("\nK:") + 1]
    header += text[len(header):].split("\n", 1)[0] + "\n"
    return 1 + len(tokens_for(tune.labels)) + len(tokenizer.encode(header))


def prepare(config: PrepareConfig, progress: bool = True) -> dict:
    """Build (or bring up to date) the dataset directory; returns the report."""
    given = given_vocabulary(config.vocab) if config.vocab else None
    if given:  # the texts are spelled as the vocabulary's model reads them
        config = replace(config, tokenizer=given.config)
    if config.tokenizer.split_lengths:
        raise ValueError("a dataset with separate pitch and length tokens (split_lengths) "
                         "gives models the bar-constrained sampler cannot drive, which needs "
                         "one token per note with its length; benchmarks/tokenizer_choice.py "
                         "compares the two spellings without a dataset")
    start = time.time()
    config.out.mkdir(parents=True, exist_ok=True)
    collections = [c for source in config.sources for c in collections_for(source)]
    items = [_Item(c.name, p, c.defaults, c.licence) for c in collections for p in c.files]
    unread = [skip for c in collections for skip in c.unread]
    fingerprint = hashlib.sha1(json.dumps(
        [sorted(i.cache_key() for i in items), [asdict(s) for s in unread],
         asdict(config.tokenizer), given.tokens if given else None,
         config.valid_fraction, config.test_fraction]).encode()).hexdigest()
    out = Dataset(config.out)
    if out.fingerprint() == fingerprint and out.report_path.exists():
        return {**out.report(), "up_to_date": True}

    results = _read_all(items, config, progress)
    tunes: list[Tune] = []
    problems: dict[int, tuple[int, int]] = {}
    skips: list[Skip] = list(unread)
    files_per_source: Counter[str] = Counter(i.source for i in items)
    for result in results:
        for rec in result["tunes"]:
            problems[len(tunes)] = (rec["problems"], rec["strict_problems"])
            tunes.append(tune_from_dict(rec["tune"]))
        skips += [Skip(**s) for s in result["skips"]]
    read_per_source = Counter(t.source for t in tunes)
    index = {id(t): i for i, t in enumerate(tunes)}
    kept, duplicates = dedupe(tunes)
    texts: list[str] = []
    readable = []
    for tune in kept:
        try:
            texts.append(model_text(tune, config.tokenizer))
            readable.append(tune)
        except (AbcError, ValueError, KeyError) as exc:  # a key or length with no spelling
            skips.append(Skip(tune.origin, f"cannot be written on C in L:1/8: {exc}"))
    kept = readable
    splits = split(kept, config.valid_fraction, config.test_fraction)

    tokenizer = given or Tokenizer.build(
        (text for text, s in zip(texts, splits, strict=True) if s == "train"),
        config.tokenizer, extra_tokens=control_tokens())
    tokenizer.save(out.vocab_path)

    arrays: dict[str, list[np.ndarray]] = {s: [] for s in SPLITS}
    offsets = dict.fromkeys(SPLITS, 0)
    meta_lines, split_ids, lengths = [], defaultdict(list), []
    for tune, part, text in zip(kept, splits, texts, strict=True):
        ids = np.asarray(encode_tune(tokenizer, tune, text), dtype=TOKEN_DTYPE)
        arrays[part].append(ids)
        lengths.append(len(ids))
        lenient, strict = problems[index[id(tune)]]
        tid = tune_id(tune)
        split_ids[part].append(tid)
        meta_lines.append(json.dumps({
            "id": tid, "split": part, "offset": offsets[part], "length": len(ids),
            "prefix": prefix_length(tokenizer, tune, text),
            "title": tune.title, "source": tune.source, "origin": tune.origin,
            "labels": tune.labels, "meta": tune.meta, "bar_problems": lenient,
            "strict_bar_problems": strict, "abc": tune.abc}, ensure_ascii=False))
        offsets[part] += len(ids)
    for part in SPLITS:
        data = np.concatenate(arrays[part]) if arrays[part] else np.zeros(0, TOKEN_DTYPE)
        tmp = out.tokens_path(part).with_suffix(".bin.tmp")
        data.tofile(tmp)
        tmp.replace(out.tokens_path(part))
        out.splits_dir.mkdir(exist_ok=True)
        _write_atomic(out.splits_dir / f"{part}.txt", "\n".join(split_ids[part]) + "\n")
    _write_atomic(out.metadata_path, "\n".join(meta_lines) + "\n")

    report = _report(kept, splits, lengths, problems,
                     index, skips, duplicates, files_per_source, read_per_source, tokenizer,
                     time.time() - start)
    _write_atomic(out.report_path, json.dumps(report, indent=1, ensure_ascii=False))
    _write_atomic(out.report_page, report_markdown(report))
    _write_atomic(out.manifest_path, json.dumps({"fingerprint": fingerprint,
                                             "sources": config.sources}, indent=1))
    return report


def _report(kept, splits, lengths, problems, index, skips, duplicates, files_per_source,
            read_per_source, tokenizer, seconds) -> dict:
    per_source: dict[str, Counter] = defaultdict(Counter)
    per_label: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    valid = strict_valid = 0
    for tune, part, n in zip(kept, splits, lengths, strict=True):
        s = per_source[tune.source]
        s["tunes"] += 1
        s["tokens"] += n
        s[f"{part}_tunes"] += 1
        lenient, strict = problems[index[id(tune)]]
        valid += lenient == 0
        strict_valid += strict == 0
        for dim, name in tune.labels.items():
            per_label[dim][name]["tunes"] += 1
            per_label[dim][name]["tokens"] += n
    for source, n in files_per_source.items():
        per_source[source]["files"] = n
        per_source[source]["tunes_read"] = read_per_source.get(source, 0)
        per_source[source]["duplicates"] = read_per_source.get(source, 0) - per_source[source][
            "tunes"]
    reasons = Counter(_reason_kind(s.reason) for s in skips)
    tonics: dict[str, Counter] = defaultdict(Counter)  # mode -> written tonics of train tunes
    for tune, part in zip(kept, splits, strict=True):
        with contextlib.suppress(AbcError):
            key = parse_key(tune.key)
            if part == "train" and key.tonic:
                tonics[key.mode][key.tonic] += 1
    return {
        "tunes": len(kept), "tokens": int(sum(lengths)),
        "split_tunes": dict(Counter(splits)),
        "vocab_size": len(tokenizer), "tokenizer": asdict(tokenizer.config),
        "valid_share": valid / max(1, len(kept)),
        "strict_valid_share": strict_valid / max(1, len(kept)),
        "duplicates_removed": len(duplicates),
        "per_source": {k: dict(v) for k, v in sorted(per_source.items()) if k},
        "per_label": {d: {k: dict(v) for k, v in sorted(labels.items())}
                      for d, labels in sorted(per_label.items())},
        "tonics": {m: dict(c.most_common()) for m, c in sorted(tonics.items())},
        "skipped": len(skips), "skip_reasons": dict(reasons.most_common()),
        "skips": [asdict(s) for s in skips],
        "wall_seconds": round(seconds, 1),
    }


def _reason_kind(reason: str) -> str:
    """A short category of a skip reason, for the report's summary table."""
    text = reason.split(": ", 1)[-1] if reason.startswith(("/", ".")) else reason
    return text.split("(")[0].split(":")[0].strip()[:60]


def report_markdown(report: dict) -> str:
    lines = ["# Dataset report", "",
             f"{report['tunes']} tunes, {report['tokens']} tokens, vocabulary "
             f"{report['vocab_size']} (split_lengths={report['tokenizer']['split_lengths']}), "
             f"{report['duplicates_removed']} duplicates removed, {report['skipped']} inputs "
             f"skipped, {report['wall_seconds']} s.", "",
             f"Tunes passing `validate`: {report['valid_share']:.1%} "
             f"(strict: {report['strict_valid_share']:.1%}).", "",
             "## Per source", "", "| source | files | tunes | tokens | train | valid | test |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, s in report["per_source"].items():
        lines.append(f"| {name} | {s.get('files', 0)} | {s.get('tunes', 0)} | "
                     f"{s.get('tokens', 0)} | {s.get('train_tunes', 0)} | "
                     f"{s.get('valid_tunes', 0)} | {s.get('test_tunes', 0)} |")
    lines += ["", "## Per label", "", "| dimension | label | tunes | tokens |",
              "|---|---|---:|---:|"]
    for dim, labels in report["per_label"].items():
        for name, c in labels.items():
            lines.append(f"| {dim} | {name} | {c['tunes']} | {c['tokens']} |")
    lines += ["", "## Skipped, by reason", "", "| reason | count |", "|---|---:|"]
    lines += [f"| {r} | {n} |" for r, n in report["skip_reasons"].items()]
    lines += ["", "## Skipped inputs (first 200; all are in report.json)", ""]
    lines += [f"- `{s['origin']}`: {s['reason']}" for s in report["skips"][:200]]
    return "\n".join(lines) + "\n"
