import random

from tunesmith import styles
from tunesmith.abc import parse
from tunesmith.data.dedupe import dedupe, split
from tunesmith.data.labels import label, oneills_form

from .conftest import REEL


def test_every_label_has_english_and_chinese_aliases():
    for style in styles.TAXONOMY:
        if style.dimension == "meter":
            continue
        assert any(not a.isascii() for a in style.aliases), style
    assert styles.lookup("古典主义") == styles.get("period", "classical")
    assert styles.lookup("巴洛克").name == "baroque"
    assert styles.lookup("爱尔兰").name == "irish"
    assert styles.lookup("吉格舞曲").name == "jig"
    assert styles.lookup("Irish").name == "irish"
    assert styles.tokens_for({"form": "reel", "tradition": "irish", "x": "y"}) == [
        "<tradition=irish>", "<form=reel>"]


def test_labels_from_metadata():
    tune = parse(REEL)
    assert label(tune, {"tradition": "irish"}) == {
        "tradition": "irish", "form": "reel", "meter": "4/4", "mode": "major"}
    essen = parse("X:1\nO:Europa, Mitteleuropa, Deutschland\nM:3/4\nL:1/8\nK:G\nB2 A2 E2|]\n")
    assert label(essen)["tradition"] == "german"
    assert label(essen)["mode"] == "minor"  # K:G ending on E: E minor
    assert oneills_form(1200, "2/2") == "reel" and oneills_form(1120, "9/8") == "slip jig"
    # a minuet ending on its trio, in the subdominant: lydian for a folk tune, not for Mozart
    minuet = parse("X:1\nM:3/4\nL:1/8\nK:G\nG2 B2 d2|c6|]\n")
    assert label(minuet)["mode"] == "lydian"
    assert label(minuet, {"period": "classical"})["mode"] == "major"
    assert label(essen, {"period": "romantic"})["mode"] == "minor"  # its final still tells


def test_duplicates_collapse_and_variants_share_a_split():
    a = parse(REEL)
    a.origin = "a"
    b = parse(REEL.replace("T:Test Reel", "T:Same music, other title"))
    b.origin = "b"
    kept, dropped = dedupe([a, b])
    assert kept == [a] and "duplicate transcription of a" in dropped[0].reason
    # a variant: the same first 24 notes, a different ending
    variants = []
    for i in range(40):
        v = parse(REEL.replace("[2 D8||", f"[2 D{2 + i % 6}||"))
        v.fields = [(k, f"Tune {i}" if k == "T" else val) for k, val in v.fields]
        variants.append(v)
    assert len(set(split(variants))) == 1
    rng = random.Random(3)
    many = [parse(f"X:1\nT:T{i}\nM:4/4\nL:1/8\nK:C\n"
                  + "".join(rng.choice("CDEFGAB") for _ in range(30)) + "|\n") for i in range(400)]
    parts = split(many)
    assert parts == split(many)  # deterministic
    assert 300 < parts.count("train") < 400 and parts.count("test") > 5
