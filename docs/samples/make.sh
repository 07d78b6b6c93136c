#!/usr/bin/env bash
# Regenerates every sample in this folder with the bundled default model:
#   bash docs/samples/make.sh
# Each line is also the command that made that sample.
set -euo pipefail
cd "$(dirname "$0")"
gen() {  # prints what tunesmith said on stderr, after the command's first 60 characters
  local label; label=$(printf '%s ' "$@" | tr '\n' ' ' | cut -c1-60)
  tunesmith generate "$@" --formats abc,mid,svg --out . 2>&1 >/dev/null \
    | while IFS= read -r line; do printf '%s-> %s\n' "$label" "$line"; done
}
gen "a lively Irish reel in D" --bars 16 --seed 1
gen "a jig in A dorian" --bars 16 --seed 2
gen "古典主义" --bars 16 --seed 3
gen "中国民歌" --bars 16 --seed 4
gen "巴洛克 圣咏" --bars 16 --seed 5
gen "slow air in G minor" --bars 16 --seed 6
gen "D大调 华尔兹" --bars 16 --seed 7
gen "a string quartet in D" --bars 16 --seed 8
gen "trecento" --bars 16 --seed 9
# no length asked: written in a form its style's tunes are written in (its parts, its repeats)
gen "a Scottish strathspey" --seed 10
# a medieval dance: two voices, a shawm's melody over a bombard's tenor
gen "a medieval dance" --seed 11
# a chorale not asked its length: its first part (Stollen) played twice, as in half of Bach's
gen "a baroque chorale" --seed 14
# a mass not asked its length: its voices come in one after another, answering the first
# voice's opening (a point of imitation)
gen "a renaissance mass" --seed 13
# a mood read as its mode: a sad waltz is written in a minor key
gen "a sad waltz" --seed 1
# a dance for an instrument: a piano piece in the waltz's 3/4, its chords with no semitone
gen "a waltz for piano" --bars 16 --seed 0
# a length in time: its style's parts, more of them, to play about a minute with its repeats
gen "a one-minute jig" --seed 0
# songs from lyrics (public-domain words: Ben Jonson, 1616; Li Bai, 8th century)
gen "an English folk song" --seed 1 --lyrics $'Drink to me only with thine eyes,\nAnd I will pledge with mine;\nOr leave a kiss but in the cup,\nAnd I\'ll not look for wine.'
gen "中国民歌" --seed 2 --lyrics $'床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。'
# a B part for a given A part (the first 8 bars are kept as written)
gen "a jig" --bars 16 --seed 3 --start $'X:1\nT:A part given\nM:6/8\nL:1/8\nK:D\n|:DFA dAF|GBd gdB|AFD DFA|B2A AFE|DFA dAF|GBd gdB|AFA Bcd|e2d d3:|'
