"""The evaluation report: ``report.json``, ``report.md`` and the PNG plots it shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..models.judges import Judges
from .distributions import FEATURES
from .judges import confusion


def _pyplot():
    """matplotlib's pyplot drawing to files only (no display here); imported when plotting."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_histograms(groups: list[dict], path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(15, 7))
    for ax in axes.flat[len(FEATURES):]:
        ax.axis("off")
    for ax, feature in zip(axes.flat, FEATURES, strict=False):
        bins = FEATURES[feature]
        x = np.arange(len(bins))
        # the tonic over the prompts it is compared for (no key asked, real tunes alike)
        compared = [g for g in groups if g["overlap"][feature] is not None] or groups
        for kind, offset, colour in (("real", -0.2, "#888888"), ("generated", 0.2, "#c0392b")):
            h = np.mean([g[f"{kind}_hist"][feature] for g in compared], axis=0)
            ax.bar(x + offset, h, width=0.4, label=kind, color=colour)
        ax.set_xticks(x, bins, rotation=90 if len(bins) > 12 else 0, fontsize=7)
        ax.set_title(feature.replace("_", " "))
    axes.flat[0].legend()
    fig.suptitle("generated vs real tunes of the asked styles (mean over prompts)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_confusions(matrices: dict[str, dict], path: Path) -> bool:
    """One panel per non-empty matrix; False (and no file) when all are empty."""
    matrices = {k: m for k, m in matrices.items() if m["total"]}
    if not matrices:
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(matrices), figsize=(5.5 * len(matrices), 5), squeeze=False)
    for ax, (title, m) in zip(axes.flat, matrices.items(), strict=True):
        counts = np.array(m["matrix"], dtype=float)
        rows = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
        ticks = np.arange(len(m["labels"]))
        ax.set_xticks(ticks, m["labels"], rotation=90, fontsize=7)
        ax.set_yticks(ticks, m["labels"], fontsize=7)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true (asked)")
        ax.set_title(f"{title}\naccuracy {m['accuracy']:.1%} of {m['total']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def _pct(x: float | None) -> str:
    return "–" if x is None or x != x else f"{x:.1%}"


def write_report(result: dict, judges: Judges, out: Path, command: str) -> Path:
    """Write the JSON, the plots and the Markdown page; returns the page's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                     encoding="utf-8")
    _plot_histograms(result["prompts"], out / "histograms.png")
    generated = {f"generated {d}": confusion((p["style"][d]["asked"], p["style"][d]["heard"])
                                             for p in result["pieces"] if d in p["style"]
                                             ).as_dict()
                 for d in ("tradition", "form", "period")}
    plotted_generated = _plot_confusions(generated, out / "confusion-generated.png")
    real = {f"real test {d}": m for d, m in judges.report.get("styles", {}).items()}
    tone = judges.report.get("keys", {}).get("test", {}).get("tone_cnn", {}).get("mode")
    if tone:
        real["tone CNN mode, real test"] = tone
    plotted_real = _plot_confusions(real, out / "confusion-judges.png")
    s = result["summary"]
    lines = [
        "# Evaluation report", "", f"Made by `{command}`.", "",
        f"{s['pieces']} pieces for {s['prompts']} prompts.", "",
        "## Validity", "", "| check | pieces passing |", "|---|---:|",
        *[f"| {k.replace('valid_', '')} | {_pct(v)} |" for k, v in s["validity"].items()], "",
        "## In the asked style, key and meter", "",
        "| measure | generated | ceiling: the judge on real test tunes | ceiling for these "
        "prompts |", "|---|---:|---:|---:|",
        *[f"| style: {d} ({v['pieces']} pieces asked) | {_pct(v['accuracy'])} | "
          f"{_pct(v['ceiling_on_real_tunes'])} | {_pct(v.get('ceiling_for_these_prompts'))} |"
          for d, v in s["style"].items()],
        f"| tone CNN hears the written key | {_pct(s['key']['heard_is_written'])} | "
        f"{_pct(s['key']['ceiling_on_real_tunes'])} | "
        f"{_pct(s['key'].get('ceiling_for_these_prompts'))} |",
        f"| asked key (or major or minor mode) written | {_pct(s['key']['asked_key_kept'])} | | |",
        f"| asked meter written | {_pct(s['meter']['asked_meter_kept'])} | | |",
        "| bars in the meter (a pickup and the bar completing it allowed) | "
        f"{_pct(s['meter']['bars_in_meter'])} | | |", "",
        "The ceiling for these prompts is the judge's recall on real test tunes of each asked "
        "label, averaged over the pieces: a label with few or no training tunes (polka, "
        "piano) is one the judge rarely or never hears, in real music as in generated. For "
        "the key it is the tone CNN's key accuracy on real test tunes of each piece's written "
        "mode: "
        + ", ".join(f"{m} {_pct(v)}" for m, v in sorted(s["key"].get("ceiling_by_mode", {})
                                                        .items())) + ".", "",
        "## Novelty (against the training split)", "",
        "| measure | value |", "|---|---:|",
        f"| longest run of copied bars, mean | {s['novelty']['longest_copied_run_mean']:.2f} |",
        f"| longest run of copied bars, max | {s['novelty']['longest_copied_run_max']} |",
        f"| pieces with ≥ 4 consecutive copied bars | "
        f"{_pct(s['novelty']['share_with_4_copied_bars'])} |",
        f"| near-duplicates (edit similarity ≥ 0.95) | {_pct(s['novelty']['near_duplicates'])} |",
        "", "## Diversity (distinct n-grams of notation atoms)", "",
        "| n | within a prompt's pieces | across all pieces |", "|---:|---:|---:|",
        *[f"| {n} | {s['diversity']['within_prompt'][n]:.3f} | "
          f"{s['diversity']['all_pieces'][n]:.3f} |" for n in (1, 2, 3, 4)], "",
        "## Like real music of the asked style (histogram overlap, 1 = identical)", "",
        "Each prompt's pieces against the real tunes alike: the test split's, and where it "
        "holds fewer than ten, the training split's too (a strathspey against strathspeys, "
        "not against every test tune), and where both hold fewer, those sharing the most "
        "labels, however few (a romantic piano piece against five). The ceiling is what as many "
        "real tunes alike reach against the others (mean of 200 draws): a few pieces cannot "
        "fill a histogram, least of all pitch range and tonic, to which each voice or piece "
        "adds one count. The tonic is compared where a prompt left the key to the model and "
        "real tunes of its style were found (not all tunes: each style has its keys).", "",
        "| feature | overlap | ceiling: as many real tunes alike |", "|---|---:|---:|",
        *[f"| {f.replace('_', ' ')} | {v:.3f} | {s['overlap_ceiling'][f]:.3f} |"
          for f, v in s["overlap_with_real"].items()],
        "", "![histograms](histograms.png)", "",
        "## Form and scale, beside real tunes of the asked styles", "",
        "| measure | generated | real |", "|---|---:|---:|",
        *[f"| {m.replace('_', ' ')} | {_pct(s['structure']['generated'][m])} | "
          f"{_pct(s['structure']['real'][m])} |" for m in s["structure"]["generated"]], "",
        "## Voices together (the prompts whose pieces have several voices)", "",
        "Onsets that strike a second, seventh or tritone against another voice (among those "
        "where another voice sounds), two voices' steps in the same direction that go from a "
        "fifth or octave to the same interval (parallel fifths and octaves), onsets above a "
        "voice written before or below one written after (crossed voices), the time "
        "voices spend resting, the quarter beats whose notes hold a whole triad, the "
        "notes struck in a chord of their own voice (a piano's hands), the voices that come "
        "in a bar or more after the first, and of those the share answering the first "
        "voice's opening (its first four intervals, each within a semitone, in its note "
        "lengths: a point of imitation); real: the real tunes alike (as above), where they "
        "have several voices.",
        "",
        "| measure | generated | real |", "|---|---:|---:|",
        *[f"| {m.replace('_', ' ')} | {_pct(v)} | {_pct(s['texture']['real'][m])} |"
          for m, v in s.get("texture", {}).get("generated", {}).items()], "",
        "## Confusion matrices", "",
    ]
    if plotted_generated:
        lines += ["Asked style vs the style classifier's verdict:", "",
                  "![generated](confusion-generated.png)", ""]
    if plotted_real:
        lines += ["The judges on real test tunes:", "", "![judges](confusion-judges.png)", ""]
    lines += ["## Per prompt", "", "| prompt | real tunes alike (training) | pitch class | "
              "interval | length | range | tonic | distinct 4-grams |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {g['prompt']} | {g['real_tunes_alike']} ({g.get('of_them_training', 0)}) | "
              + " | ".join("–" if g["overlap"][f] is None else f"{g['overlap'][f]:.2f}"
                           for f in FEATURES)
              + f" | {g['distinct'][4]:.2f} |" for g in result["prompts"]]
    page = out / "report.md"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return page
