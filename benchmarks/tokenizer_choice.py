"""Note-with-length atoms vs separate pitch and length tokens, measured on a prepared dataset.

    python benchmarks/tokenizer_choice.py --dataset datasets/default

Prints, for each choice: vocabulary size, tokens per tune on the valid split, the share of
valid-split tokens that had to be spelled with character fallback (atoms never seen in
training), and characters per token.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tunesmith.abc import Tokenizer, TokenizerConfig
from tunesmith.data.dataset import Dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args()
    train = [t.music_text() for t in Dataset(args.dataset).tunes("train")]
    valid = [t.music_text() for t in Dataset(args.dataset).tunes("valid")]
    print(f"{len(train)} train tunes, {len(valid)} valid tunes\n")
    print("| tokens | vocab | tokens/tune (valid) | fallback share (valid) | chars/token |")
    print("|---|---:|---:|---:|---:|")
    for split_lengths in (False, True):
        config = TokenizerConfig(split_lengths=split_lengths)
        tok = Tokenizer.build(train, config)
        total = fallback = chars = 0
        for text in valid:
            pieces = Tokenizer.pieces(text, config)
            ids = tok.encode(text)
            total += len(ids)
            fallback += sum(len(p) for p in pieces if p not in tok.ids)
            chars += len(text)
        name = "pitch + length" if split_lengths else "note-with-length"
        print(f"| {name} | {len(tok)} | {total / len(valid):.1f} | {fallback / total:.3%} | "
              f"{chars / total:.2f} |")
    print(f"\ncommand: python benchmarks/tokenizer_choice.py --dataset {args.dataset}")


if __name__ == "__main__":
    main()
