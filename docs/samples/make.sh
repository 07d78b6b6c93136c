#!/usr/bin/env bash
# Regenerates every sample in this folder with the bundled default model:
#   bash docs/samples/make.sh
# Each line is also the command that made that sample.
set -euo pipefail
cd "$(dirname "$0")"
gen() { tunesmith generate "$@" --formats abc,mid,svg --out . 2>&1 >/dev/null | sed "s|^|$* -> |"; }
gen "a lively Irish reel in D" --bars 16 --seed 1
gen "a jig in A dorian" --bars 16 --seed 2
gen "古典主义" --bars 16 --seed 3
gen "中国民歌" --bars 16 --seed 4
gen "巴洛克 圣咏" --bars 16 --seed 5
gen "slow air in G minor" --bars 16 --seed 6
gen "D大调 华尔兹" --bars 16 --seed 7
gen "a string quartet in D" --bars 16 --seed 8
