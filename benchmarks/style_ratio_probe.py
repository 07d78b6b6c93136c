"""Tried on 2026-12-02 (seventh session), not shipped: does ranking candidates by the
model's own style ratio (log p(piece | style controls) - log p(piece | none)) choose pieces the
independent judges hear in the asked style? Writes /tmp/ratio_rows.json; the analysis is in
the commit message. Runs only at this commit (the ranking was reverted after).

    python benchmarks/style_ratio_probe.py
"""
import json, numpy as np
from tunesmith import Composer
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode
from tunesmith.evaluation.generated import read_prompts
from pathlib import Path
c = Composer.load(); j = Judges.load()
prompts = read_prompts(Path('benchmarks/prompts.txt'))
rows = []
for pr in prompts:
    for seed in (0, 1, 2):
        ps = c.generate(pr, bars=16, num=8, rerank=8, seed=seed)
        asked = {d: v for d, v in ps[0].controls.labels.items() if d in ('tradition','form','period')}
        tunes = [p.tune for p in ps]
        st = j.styles(tunes); ks = j.keys(tunes)
        for p, t, s, k in zip(ps, tunes, st, ks):
            w = key_label(t)
            rows.append(dict(prompt=pr, seed=seed, ratio=p.style_ratio, tokens=p.tokens, ll=p.log_likelihood,
                             hits=[s.get(d) == v for d, v in asked.items()], key=bool(w is not None and decode(w) == k)))
json.dump(rows, open('/tmp/ratio_rows.json', 'w'))
