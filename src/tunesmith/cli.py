"""The ``tunesmith`` command. Thin: it parses arguments and calls the modules that do the work.

Heavy libraries are imported inside each command, so ``tunesmith --help`` answers at once.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from .limits import DEFAULT_BARS, DEFAULT_TOP_P, MAX_BARS, SECONDS
from .styles import guidance_defaults

EPILOG = """examples:
  tunesmith prepare --out datasets/default            # music21's ABC corpus and scores
  tunesmith prepare --out datasets/mine --source ~/my-abc-folder --source songs.json
  tunesmith styles                                    # every style label and its aliases
  tunesmith train --data datasets/default --config small --out runs/small
  torchrun --nproc_per_node=2 -m tunesmith.cli train --data datasets/default --out runs/ddp
  tunesmith generate "a lively Irish reel in D" --bars 32 --seed 1 --num 4 --out pieces
  tunesmith generate "古典主义" --formats abc,mid,wav,svg,musicxml --out pieces
  tunesmith render tune.abc --formats mid,wav,svg
  tunesmith serve --port 8000                         # then open http://127.0.0.1:8000/
  tunesmith evaluate --data datasets/default --abc ../shared/heldout/nottingham_heldout.abc
"""


def _prepare(args: argparse.Namespace) -> int:
    from .abc import TokenizerConfig, TokenizerError
    from .data.prepare import BUILTIN_SOURCES, PrepareConfig, prepare

    config = PrepareConfig(
        out=Path(args.out), sources=args.source or list(BUILTIN_SOURCES),
        workers=args.workers,
        tokenizer=TokenizerConfig(min_count=args.min_count,
                                  canonical=not args.as_written,
                                  same_octave=args.same_octave),
        score_cache=Path(args.score_cache) if args.score_cache else None,
        vocab=Path(args.vocab) if args.vocab else None)
    try:
        report = prepare(config, progress=not args.quiet)
    except (FileNotFoundError, TokenizerError, ValueError) as exc:
        print(f"tunesmith prepare: {exc}", file=sys.stderr)
        return 2
    state = "already up to date" if report.get("up_to_date") else "written"
    print(f"{args.out}: {state}. {report['tunes']} tunes, {report['tokens']} tokens, "
          f"vocabulary {report['vocab_size']}, {report['skipped']} inputs skipped, "
          f"{report['valid_share']:.1%} of tunes pass validate.")
    print(f"Per-source counts and every skip reason: {Path(args.out) / 'report.md'}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .checkpoint import CheckpointError
    from .train import Trainer, leave_process_group, load_run_config

    try:
        model_spec, config = load_run_config(args.config)
    except (FileNotFoundError, ValueError) as exc:
        print(f"tunesmith train: {exc}", file=sys.stderr)
        return 2
    overrides = {k: getattr(args, k) for k in ("steps", "batch_size", "grad_accum", "lr",
                                               "warmup", "grad_clip", "from_start", "eval_every",
                                               "eval_batches", "seed", "device", "init",
                                               "minutes")
                 if getattr(args, k) is not None}
    config = replace(config, **overrides)
    try:
        trainer = Trainer(args.data, args.out, model_spec, config, resume=args.resume,
                          progress=not args.quiet)
        if trainer.rank == 0:
            print(f"{args.config}: {trainer.model.num_parameters():,} parameters, "
                  f"{len(trainer.train_data):,} training tokens, device {trainer.device}, "
                  f"{trainer.world} process(es); starting at step {trainer.step}")
        metrics = trainer.run()
    except (CheckpointError, FileNotFoundError, ValueError) as exc:
        print(f"tunesmith train: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        leave_process_group()
    if trainer.rank == 0 and metrics:
        print(f"step {metrics['step']}: valid loss {metrics['valid_loss']:.4f} "
              f"(best {metrics['best_valid_loss']:.4f}); checkpoints in {args.out}/best "
              f"and {args.out}/last")
    return 0


def _formats(text: str) -> list[str]:
    from .render import FORMATS

    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format(s) {', '.join(unknown)}; "
                                         f"choose from {','.join(FORMATS)}")
    return formats


def _generate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .checkpoint import CheckpointError
    from .composer import Composer
    from .render import render
    from .tools import ToolError

    try:
        start = _opening_text(args.start) if args.start else None
        words = _file_or_text(args.lyrics) if args.lyrics else None
        songs = _songs(args.song) if args.song else [
            {"prompt": args.prompt, "key": args.key, "title": None, "lyrics": words}]
        composer = Composer.load(args.model, engine=args.engine)
        pieces = []
        for song in songs:
            with tqdm(unit="bar", desc="writing", delay=2, leave=False,
                      file=sys.stderr) as shown:  # only for pieces that take a while
                made = composer.generate(
                    song["prompt"], bars=args.bars, num=args.num, seed=args.seed,
                    key=args.key or song["key"], meter=args.meter, tempo=args.tempo,
                    temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                    rerank=args.rerank, voices=args.voices, guidance=args.guidance,
                    title=song["title"], start=start, lyrics=song["lyrics"],
                    seconds=args.seconds, progress=_shown_on(shown))
            _print_remarks([piece.remarks for piece in made], len(pieces))
            pieces += [(song, piece) for piece in made]
    except (CheckpointError, ValueError) as exc:  # a bad opening, lyric or file too
        print(f"tunesmith generate: {exc}", file=sys.stderr)
        return 2
    for n, (song, piece) in enumerate(pieces, 1):
        tune = piece.tune.with_field("X", str(n))  # numbered as one collection
        if song.get("singer"):
            tune = tune.with_field("N", f"sung by {song['singer']}")
        abc = tune.abc
        print(abc)
        if args.out:
            name = _slug(song["title"] or song["prompt"])
            stem = Path(args.out) / (f"{name}-{n}" if song["title"] else
                                     f"{name}-seed{args.seed}-{n}")
            try:
                written = render(abc, stem, args.formats)
            except ToolError as exc:
                print(f"tunesmith generate: {exc}", file=sys.stderr)
                return 2
            except OSError as exc:
                print(f"tunesmith generate: cannot write into --out {args.out}: "
                      f"{exc.strerror or exc}", file=sys.stderr)
                return 2
            print(f"% wrote {', '.join(str(p) for p in written.values())}", file=sys.stderr)
    return 0


def _print_remarks(remarks: list[list[str]], before: int) -> None:
    """Each piece's remarks on stderr: what all say once, what one says (the model's own
    choices for it) after its number ``X:``, counting on from ``before`` pieces."""
    common = [r for r in remarks[0] if all(r in rs for rs in remarks)]
    for remark in common:
        print(f"% {remark}", file=sys.stderr)
    for n, own in enumerate(remarks, before + 1):
        for remark in own:
            if remark not in common:
                print(f"% X:{n}: {remark}", file=sys.stderr)


def _shown_on(bar):
    """A ``progress`` callback that moves a tqdm bar to the bars written."""
    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
    return progress


def _file_or_text(value: str) -> str:
    """``--lyrics`` and ``--start``: the text of a file, or the text itself."""
    from .data.records import read_text

    path = Path(value)
    if "\n" not in value and len(value) < 4096 and path.is_file():
        return read_text(path)
    return value


def _songs(value: str) -> list[dict]:
    """``--song``: one request per song record of a JSON file (name as the title and the
    prompt, tone profile as the key, lyric as the words, singer as the performer)."""
    import json

    from .data.records import read_text
    from .data.songs import tune_from_record

    try:
        data = json.loads(read_text(Path(value)))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{value}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    records = data if isinstance(data, list) else [data]
    songs = []
    for i, record in enumerate(records):
        where = f"{value}[{i}]"
        tune = tune_from_record(record, where)  # ValueError naming the field
        if not tune.meta.get("lyrics"):
            print(f"% skipped {where}: no lyric to set", file=sys.stderr)
            continue
        songs.append({"prompt": tune.title, "key": tune.key, "title": tune.title,
                      "lyrics": tune.meta["lyrics"], "singer": tune.meta.get("artist", "")})
    if not songs:
        raise ValueError(f"{value}: no song record with a lyric to set")
    return songs


def _opening_text(value: str) -> str:
    """``--start``: the text of a file, or the ABC itself."""
    text = _file_or_text(value)
    if text == value and "K:" not in text:  # neither a file nor ABC (read_opening says why not)
        raise ValueError(f"--start {value}: no such file, and not ABC with its M: and K: "
                         "lines")
    return text


def _slug(text: str) -> str:
    import re

    slug = re.sub(r"[^\w]+", "-", text.strip().lower(), flags=re.UNICODE).strip("-")
    return slug[:40] or "untitled"


def _render(args: argparse.Namespace) -> int:
    from .abc import AbcError, parse_tune, split_tunes, validate
    from .data.records import SourceError, read_text
    from .render import render
    from .tools import ToolError

    try:
        text = read_text(Path(args.file))
        raws = list(split_tunes(text))
        if not raws:
            raise AbcError("no tune (X: ... K: ...) in it")
        for raw in raws:
            problems = validate(parse_tune(raw.text))
            for p in problems[:5]:
                print(f"{args.file}#X:{raw.number}: {p}", file=sys.stderr)
        out = Path(args.out) if args.out else Path(args.file).parent
        for raw in raws:
            stem = out / (Path(args.file).stem + (f"-{raw.number}" if len(raws) > 1 else ""))
            written = render(raw.text, stem, args.formats)
            print(", ".join(str(p) for p in written.values()))
    except (SourceError, AbcError, ToolError, OSError) as exc:
        print(f"tunesmith render: {args.file}: {exc}", file=sys.stderr)
        return 2
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from .checkpoint import CheckpointError, load_checkpoint
    from .evaluation import dataset_tunes, file_tunes, score
    from .evaluation.likelihood import likelihood_table
    from .pretrained import DEFAULT_MODEL

    try:
        checkpoint = load_checkpoint(args.model or DEFAULT_MODEL)
    except CheckpointError as exc:
        print(f"tunesmith evaluate: {exc}", file=sys.stderr)
        return 2
    if args.prompts:
        return _evaluate_generation(args, checkpoint)
    results = []
    try:
        if args.data:
            for split in args.split:
                tunes = dataset_tunes(Path(args.data), split, checkpoint.tokenizer)
                results.append(score(checkpoint, tunes, f"{args.data}:{split}",
                                     progress=not args.quiet))
        for file in args.abc or []:
            tunes, skipped = file_tunes(Path(file), checkpoint.tokenizer)
            for reason in skipped:
                print(f"skipped {reason}", file=sys.stderr)
            results.append(score(checkpoint, tunes, file, progress=not args.quiet))
    except (OSError, ValueError) as exc:
        print(f"tunesmith evaluate: {exc}", file=sys.stderr)
        return 2
    if not results:
        print("tunesmith evaluate: nothing to score; give --data DIR and/or --abc FILE",
              file=sys.stderr)
        return 2
    print(f"model {checkpoint.path}\n\n{likelihood_table(results)}")
    if args.json:
        Path(args.json).write_text(json.dumps({"model": str(checkpoint.path), "results":
                                               [r.as_dict() for r in results]}, indent=1))
    return 0


def _writing_code_sha1() -> str:
    """A hash of the package's sources but its judging (``evaluation/``): pieces cached by an
    evaluation are made again once the code that writes them changes, not judged stale."""
    root = Path(__file__).parent
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*.py")):
        if "evaluation" not in path.relative_to(root).parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _evaluate_generation(args: argparse.Namespace, checkpoint) -> int:
    from .checkpoint import WEIGHTS
    from .composer import Composer
    from .data.dataset import Dataset
    from .evaluation.generated import evaluate_generation, read_prompts
    from .evaluation.report import write_report
    from .models.judges import JUDGES, Judges

    if not args.data or not Dataset(args.data).exists():
        print("tunesmith evaluate: generation mode compares with real tunes: give --data "
              "DATASET (from tunesmith prepare)", file=sys.stderr)
        return 2
    try:
        prompts = read_prompts(Path(args.prompts))
        judges = Judges.load(Path(args.judges) if args.judges else JUDGES)
    except (OSError, ValueError) as exc:
        print(f"tunesmith evaluate: {exc}", file=sys.stderr)
        return 2
    composer = Composer.load(checkpoint.path)  # ONNX Runtime where the checkpoint can

    def generate(prompt: str, n: int) -> list[str]:
        return [p.abc for p in composer.generate(
            prompt, bars=args.bars, num=n, seed=args.seed, temperature=args.temperature,
            top_k=args.top_k, top_p=args.top_p, rerank=args.rerank, guidance=args.guidance)]

    out = Path(args.report)
    weights = hashlib.sha1((checkpoint.path / WEIGHTS).read_bytes()).hexdigest()
    settings = {"weights_sha1": weights, "code_sha1": _writing_code_sha1(),
                **{k: getattr(args, k) for k in (
                    "bars", "seed", "temperature", "top_k", "top_p", "rerank", "guidance")}}
    result = evaluate_generation(generate, prompts, args.samples, Path(args.data), judges, out,
                                 progress=not args.quiet, settings=settings)
    result["model"] = str(checkpoint.path)
    result["settings"] = settings
    page = write_report(result, judges, out, "tunesmith " + " ".join(sys.argv[1:]))
    print(page.read_text(encoding="utf-8").split("## Per prompt")[0])
    print(f"report: {page}")
    return 0


def _judges(args: argparse.Namespace) -> int:
    from .data.dataset import Dataset
    from .evaluation.judges import build, report_tables

    heldout = [Path(f) for f in args.abc or []]
    dataset = Dataset(args.data)
    missing = [str(f) for f in heldout if not f.is_file()] + (
        [] if dataset.exists() else [str(dataset.metadata_path)])
    if missing:
        print(f"tunesmith judges: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        report = build(Path(args.data), Path(args.out), args.seconds, heldout, args.seed)
    except ValueError as exc:
        print(f"tunesmith judges: {exc}", file=sys.stderr)
        return 2
    print(f"\n{report_tables(report)}\nsaved to {args.out}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from .checkpoint import CheckpointError
    from .web import LOOPBACK_HOSTS, Settings, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings(model=Path(args.model) if args.model else None, engine=args.engine,
                        out=Path(args.out) if args.out else None, workers=args.workers,
                        queue=args.queue, time_limit=args.time_limit,
                        keep_minutes=args.keep_minutes,
                        hosts=LOOPBACK_HOSTS if args.host in LOOPBACK_HOSTS else None)
    try:
        app = create_app(settings)
    except CheckpointError as exc:
        print(f"tunesmith serve: {exc}", file=sys.stderr)
        return 2
    print(f"tunesmith: open http://{args.host}:{args.port}/ (API docs at /docs); "
          f"files in {app.state.out}", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _styles(args: argparse.Namespace) -> int:
    import json

    from .pretrained import DEFAULT_MODEL
    from .styles import DIMENSIONS, TAXONOMY

    styles_file = Path(args.model or DEFAULT_MODEL) / "styles.json"
    try:
        counts = {(s["dimension"], s["name"]): s.get("train_tunes", 0)
                  for s in json.loads(styles_file.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"tunesmith styles: {styles_file}: cannot read training counts ({exc})",
              file=sys.stderr)
        return 2
    print(f"style, training tunes of {styles_file.parent}, aliases")
    for dim in DIMENSIONS:
        print(f"{dim}:")
        for style in (s for s in TAXONOMY if s.dimension == dim):
            count = counts.get((dim, style.name), 0)
            print(f"  {style.name:<14} {count:>6,}  {', '.join(style.aliases[1:])}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .abc import AbcError, normalise, parse_tune, split_tunes, validate
    from .data.records import SourceError, read_text

    bad = 0
    for name in args.files:
        try:
            text = read_text(Path(name))
        except SourceError as exc:
            print(exc, file=sys.stderr)
            bad += 1
            continue
        for raw in split_tunes(text):
            where = f"{name}#X:{raw.number} (line {raw.line})"
            try:
                problems = validate(normalise(parse_tune(raw.text)), strict=args.strict)
            except AbcError as exc:
                print(f"{where}: {exc}")
                bad += 1
                continue
            for p in problems:
                print(f"{where}: {p}")
            bad += bool(problems)
    return 1 if bad else 0


def _bars_or_style(text: str) -> int | None:
    """``--bars`` of ``evaluate``: a number, or "style" (None: each piece its style's length)."""
    if text == "style":
        return None
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r}: give a number of bars or 'style'")


def _sampling_arguments(p) -> None:
    """How tokens are drawn; the same options for generate and evaluate --prompts."""
    p.add_argument("--temperature", type=float, default=1.0,
                   help="below 1 plays safe, above 1 takes risks (default 1.0)")
    p.add_argument("--top-k", type=int, default=0, help="sample among the k likeliest (0=off)")
    p.add_argument("--top-p", type=float, default=DEFAULT_TOP_P,
                   help=f"nucleus sampling (1=off; default {DEFAULT_TOP_P:g})")
    p.add_argument("--guidance", type=float, default=None,
                   help="classifier-free guidance toward the asked style: 1 = off, 2 = twice "
                   "the pull of the style controls (needs a model trained with control "
                   f"dropout; doubles decoding time). Default: {guidance_defaults()} (the "
                   "forms whose style it was measured to bring out); 1 for the rest")
    p.add_argument("--rerank", type=int, default=1, metavar="N",
                   help="sample N candidates per piece and keep the best: in the key it "
                   "writes and the style asked (by the judges), then the most likely")


def _add_prepare(sub) -> None:
    p = sub.add_parser("prepare", help="build a tokenized, split dataset from corpora",
                       description="Read corpora, normalise, label, dedupe, split and tokenize "
                       "them into a dataset directory. Reruns read only files that changed.")
    p.add_argument("--out", required=True, help="dataset directory to write")
    p.add_argument("--source", action="append", metavar="SRC",
                   help="music21-abc, music21-scores, a folder (ABC, MusicXML, Humdrum, MIDI, "
                        "JSON songs) or one file; repeat for several (default: both music21)")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--as-written", action="store_true",
                   help="keep each tune's key and L: unit instead of writing every tune on the "
                   "tonic C in L:1/8 (the default, which models learn from far faster)")
    p.add_argument("--same-octave", action="store_true",
                   help="move each tonic down to the C of its own octave, so tunes of every "
                   "key keep one register on C, instead of by the smaller shift as folk-rnn "
                   "and the bundled model do (measured at equal budget: no better; "
                   "docs/model-card.md)")
    p.add_argument("--min-count", type=int, default=3,
                   help="atoms rarer than this are spelled with character tokens (default 3)")
    p.add_argument("--score-cache", help="where converted scores are cached "
                                         "(default ~/.cache/tunesmith/scores)")
    p.add_argument("--vocab", metavar="CHECKPOINT",
                   help="tokenize with this model's vocabulary (its folder or vocab.json) "
                   "instead of building one, so `train --init CHECKPOINT` can train it on over "
                   "data read anew; the spelling (--as-written, --same-octave, --min-count) "
                   "is then the vocabulary's, and atoms it lacks are spelled in characters")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_prepare)


def _add_train(sub) -> None:
    p = sub.add_parser(
        "train", help="train a model on a prepared dataset",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a transformer or LSTM/GRU on a dataset from `tunesmith prepare`. "
        "Writes OUT/best and OUT/last (self-contained checkpoints), OUT/metrics.jsonl and "
        "TensorBoard scalars in OUT/tensorboard.",
        epilog="Bundled configs: tiny (tests), small (CPU default, ~3.6M), small-gpu (small on "
        "one GPU), small-shared, "
        "base (~26M), base-shared, large (~115M, GPU), lstm, gru, folk-rnn.\n"
        "Under `torchrun --nproc_per_node=N -m tunesmith.cli train ...` the same command "
        "trains with DistributedDataParallel\n(gloo on CPU, nccl on GPU), splitting "
        "--batch-size among the processes; see docs/training.md for several machines.")
    p.add_argument("--data", required=True, help="dataset directory from tunesmith prepare")
    p.add_argument("--out", required=True, help="run directory for checkpoints and logs")
    p.add_argument("--config", default="small",
                   help="bundled config name or a YAML file (default: small)")
    p.add_argument("--resume", action="store_true",
                   help="continue OUT/last exactly where it stopped (weights, optimizer, "
                        "schedule, RNG, data position)")
    p.add_argument("--init", metavar="CHECKPOINT",
                   help="start from this checkpoint's weights (same --config, a dataset with "
                        "the same vocabulary) with a new optimizer and schedule: fine-tuning "
                        "or training a finished model on; ignored by --resume once OUT/last "
                        "exists")
    p.add_argument("--steps", type=int,
                   help="optimizer steps in all; with --resume, more steps than the run had "
                        "carry a finished run on, its cosine schedule stretched to the new end")
    p.add_argument("--minutes", type=float,
                   help="train for about this long: after 20 steps the run measures its rate "
                        "and fixes --steps so the schedule ends in time (it prints the steps, "
                        "so the same run can be asked with --steps)")
    p.add_argument("--batch-size", type=int, help="windows per micro-step, all processes")
    p.add_argument("--grad-accum", type=int, help="micro-steps per optimizer step")
    p.add_argument("--lr", type=float, help="peak learning rate")
    p.add_argument("--warmup", type=int, help="learning-rate warmup steps")
    p.add_argument("--grad-clip", type=float, help="max gradient norm; 0 = off (default 1.0)")
    p.add_argument("--from-start", type=float, metavar="SHARE",
                   help="share of rows that read a tune longer than a row from its start "
                        "rather than from a random point, so a long piece's opening is learnt")
    p.add_argument("--eval-every", type=int, help="steps between validation + checkpoint")
    p.add_argument("--eval-batches", type=int, help="validation batches per evaluation")
    p.add_argument("--seed", type=int)
    p.add_argument("--device", help="cpu, cuda, cuda:1 … (default: cuda if available)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_train)


def _add_generate(sub) -> None:
    p = sub.add_parser(
        "generate", help="write new pieces from a style prompt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write pieces in ABC from a prompt in English or Chinese and print them; "
        "with --out also write MIDI, audio, sheet music.",
        epilog="The prompt may name styles (`tunesmith styles` lists them; a composer or a "
        "genre, \"Palestrina\",\n\"a minuet\", \"a ländler\", \"摇篮曲\", \"江南小调\", "
        "names one), a mood (\"a sad waltz\": minor),\na key (\"in D major\", \"A dorian\", "
        "\"D大调\"; \"a minor jig in D\" is D minor), a meter (\"6/8\"; a waltz implies 3/4),\n"
        "a tempo (\"120 bpm\", or \"lively\": faster than its style's), a length (\"48 bars\", "
        "\"a 32-bar reel\", \"32小节\"),\na tune's parts (\"a jig in three parts\") and "
        "voices (\"in 3 voices\", \"SATB\", \"四声部\", \"a duet\"; a chorale, quartet or "
        "mass has 4,\na "
        "madrigal 5, a piano piece 2 hands, trecento 3; aligned bar by bar); \"a tune\" or "
        "\"a melody\" (旋律)\nis one line, its style chosen among those written so; a dance "
        "for an instrument (\"a waltz for piano\")\nis played on it. Options below override "
        "the prompt. Every piece is checked bar by bar against its\nmeter as it is written.")
    p.add_argument("prompt", nargs="?", default="", help="the style you want, in your words")
    p.add_argument("--bars", type=int, help=f"length in bars, at most {MAX_BARS} (default: as "
                   "long as a training tune of the piece's style, in whole 4-bar phrases: a "
                   f"reel 16, a German song 8 to 16; at most {DEFAULT_BARS}; {DEFAULT_BARS} "
                   "to continue an opening; a melody in the parts its style's tunes are "
                   "written in, a Scottish strathspey a 4-bar part played twice and an 8-bar "
                   "one)")
    p.add_argument("--seconds", type=float, help=f"how long it plays, its repeats played, "
                   f"from {SECONDS[0]} to {SECONDS[1]} (as \"a two-minute reel\" in the "
                   "prompt): its style's parts, more or fewer of them, at its tempo; --bars "
                   "wins over it")
    p.add_argument("--num", type=int, default=1,
                   help="pieces to write, each with its own choice of what the prompt leaves "
                   "open: form, mode, meter, key (default 1)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same pieces (default 0)")
    p.add_argument("--key", help="K: value, e.g. D, Ador, F#m")
    p.add_argument("--meter", help="M: value, e.g. 6/8")
    p.add_argument("--tempo", type=int, help="quarter notes per minute, written in the "
                   "meter's beat (a jig's 180 as Q:3/8=120; default: the middle "
                   "tempo the corpus marks on tunes of the piece's form and meter, a reel 208, "
                   "a jig 180, a chorale 96; none, played at 120, where it marks too few)")
    p.add_argument("--voices", type=int, help="voices written together, bar by bar (1-8; "
                   "default: as the style is usually written)")
    p.add_argument("--lyrics", metavar="FILE|TEXT",
                   help="words to set, English or Chinese, one line a phrase: one note per "
                   "syllable, printed under the notes (the words set the length)")
    p.add_argument("--song", metavar="FILE.json",
                   help="song records (name, singer, lyric, tone.profile): a song for each, "
                   "titled by its name, in the key of its tone profile")
    p.add_argument("--start", metavar="FILE|ABC",
                   help="an opening to continue: an .abc file (its first tune) or ABC text "
                   "with its M: and K: lines and whole bars; kept as written and continued "
                   "to --bars in all (a B part for an A part; --num N: N continuations)")
    _sampling_arguments(p)
    p.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    _engine_argument(p)
    p.add_argument("--out", help="folder to write files into")
    p.add_argument("--formats", type=_formats, default=["abc", "mid"],
                   help="comma-separated: abc,mid,wav,mp3,svg,musicxml (default abc,mid)")
    p.set_defaults(func=_generate)


def _add_render(sub) -> None:
    p = sub.add_parser("render", help="turn an ABC file into MIDI, audio and sheet music")
    p.add_argument("file", help="an .abc file (several tunes give several outputs)")
    p.add_argument("--formats", type=_formats, default=["mid", "wav", "svg"],
                   help="comma-separated: mid,wav,mp3,svg,musicxml (default mid,wav,svg)")
    p.add_argument("--out", help="folder (default: next to the file)")
    p.set_defaults(func=_render)


def _add_evaluate(sub) -> None:
    p = sub.add_parser(
        "evaluate", help="score a model: likelihood of real music, or judge its own pieces",
        description="Model mode: score a model on a prepared dataset's splits and on any ABC "
        "(or score) files: bits per token and bits per character of the music, controls "
        "given. Generation mode (--prompts): generate for a prompt suite and write a report.",
        epilog="examples:\n  tunesmith evaluate --data datasets/default --split test "
        "--abc ../shared/heldout/nottingham_heldout.abc\n  tunesmith evaluate --data "
        "datasets/default --prompts benchmarks/prompts.txt --report reports/default",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    p.add_argument("--data", help="dataset directory from tunesmith prepare")
    p.add_argument("--split", nargs="+", default=["test"], choices=["train", "valid", "test"],
                   help="splits of --data to score (default: test)")
    p.add_argument("--abc", action="append", metavar="FILE",
                   help="an ABC, MusicXML, Humdrum, MIDI or JSON file; repeat for several")
    p.add_argument("--json", help="also write the figures to this JSON file")
    g = p.add_argument_group(
        "generation mode", "with --prompts: generate for every prompt and judge the pieces "
        "(validity, style, key, meter, novelty, diversity, likeness to real tunes of --data)")
    g.add_argument("--prompts", metavar="FILE", help="prompt suite, e.g. benchmarks/prompts.txt")
    g.add_argument("--samples", type=int, default=4, help="pieces per prompt (default 4)")
    g.add_argument("--bars", type=_bars_or_style, default=None,
                   help="bars per piece, or 'style' (the default): each as long as a training "
                   "tune of its style, as `tunesmith generate` writes a piece not asked its "
                   "length (the reports before 2026-12-04 asked 16)")
    g.add_argument("--seed", type=int, default=0)
    _sampling_arguments(g)
    g.add_argument("--judges", help="judges from tunesmith judges (default: the bundled ones)")
    g.add_argument("--report", default="reports/default",
                   help="folder for report.md, report.json, plots and samples "
                   "(default reports/default; a rerun reuses finished samples)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_evaluate)


def _add_judges(sub) -> None:
    p = sub.add_parser(
        "judges", help="train the tone CNN and style classifier that judge generated music",
        description="Train the tone CNN (tonic and mode) and the style classifier (tradition, "
        "form, period) on a dataset's train split for --seconds each, score them on its test "
        "split — the tone CNN side by side with music21's Krumhansl-Schmuckler — and save "
        "them with the report to --out.",
        epilog="example: tunesmith judges --data datasets/default --out "
        "src/tunesmith/pretrained/judges --abc ../shared/heldout/nottingham_heldout.abc")
    p.add_argument("--data", required=True, help="dataset directory from tunesmith prepare")
    p.add_argument("--out", required=True, help="folder to write the judges to")
    p.add_argument("--seconds", type=float, default=300.0,
                   help="training time for each judge (default 300)")
    p.add_argument("--abc", action="append", metavar="FILE",
                   help="more real tunes to test key finding on; repeat for several")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_judges)


def _add_serve(sub) -> None:
    p = sub.add_parser(
        "serve", help="compose in the browser: a web page and an HTTP API",
        description="Serve a page (prompt, score, audio player, downloads) and a JSON API "
        "(POST /api/generate, GET /api/styles, GET /api/health; OpenAPI at /docs).",
        epilog="example: tunesmith serve --port 8000, then open http://127.0.0.1:8000/")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for every one)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    _engine_argument(p)
    p.add_argument("--out", help="folder for rendered files (default: a temporary folder)")
    p.add_argument("--workers", type=int, default=1,
                   help="generations at once (default 1: one uses both cores of a small CPU)")
    p.add_argument("--queue", type=int, default=16,
                   help="requests that may wait before the server answers 503 (default 16)")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="seconds per request before a 504 (default 60)")
    p.add_argument("--keep-minutes", type=float, default=60.0,
                   help="remove rendered files older than this (default 60)")
    p.set_defaults(func=_serve)


def _engine_argument(p) -> None:
    p.add_argument("--engine", choices=("auto", "onnx", "torch"), default="auto",
                   help="what runs the model: ONNX Runtime (fast; needs the checkpoint's "
                   "model.onnx, see `tunesmith export`) or PyTorch; auto: ONNX Runtime where "
                   "it can (default). The same seed writes the same piece on either")


def _export(args: argparse.Namespace) -> int:
    from .checkpoint import CheckpointError
    from .engine import export

    try:
        graph, worst = export(args.model)
    except CheckpointError as exc:
        print(f"tunesmith export: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {graph}: logits within {worst:.1e} of PyTorch's")
    return 0


def _add_export(sub) -> None:
    p = sub.add_parser(
        "export", help="write a checkpoint's decode step for ONNX Runtime (model.onnx)",
        description="Write model.onnx into a transformer checkpoint: its decode step with a "
        "KV cache, reading the weights from model.safetensors (nothing is copied), and check "
        "its logits against PyTorch's. Checkpoints saved by `tunesmith train` have it "
        "already; this is for older ones.",
        epilog="example: tunesmith export runs/small/best")
    p.add_argument("model", help="checkpoint directory")
    p.set_defaults(func=_export)


def _add_styles(sub) -> None:
    p = sub.add_parser("styles", help="list every style label with its aliases and how many "
                                      "training tunes a model saw of it")
    p.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    p.set_defaults(func=_styles)


def _add_validate(sub) -> None:
    p = sub.add_parser("validate", help="check each bar of ABC files against the meter")
    p.add_argument("files", nargs="+")
    p.add_argument("--strict", action="store_true",
                   help="also flag short bars at repeats and section ends")
    p.set_defaults(func=_validate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunesmith", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Learn musical styles from scores and write new pieces in ABC notation.",
        epilog=EPILOG)
    parser.add_argument("--version", action="version", version="tunesmith 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_prepare, _add_train, _add_generate, _add_render, _add_evaluate,
                _add_judges, _add_serve, _add_export, _add_styles, _add_validate):
        add(sub)  # one function per command, in the order --help lists them
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if getattr(args, "workers", 1) is None:
        args.workers = max(1, os.cpu_count() or 1)
    try:
        return args.func(args)
    except BrokenPipeError:  # `tunesmith styles | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
