#!/usr/bin/env bash
# Installs everything tunesmith uses on Debian/Ubuntu with Python >= 3.11:
# the music programs (abcmidi, abcm2ps, fluidsynth + GM soundfont, sox, lame), Debian's chromium
# (the web app's browser test drives it headless) and the Python package with its test tools.
# torch is pinned in the same pip call so pip never pulls a CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    abcmidi abcm2ps fluidsynth fluid-soundfont-gm sox lame chromium >/dev/null
python3 -m pip install -q --disable-pip-version-check "torch==2.13.0" -e ".[dev]"
echo "tunesmith installed: $(command -v tunesmith)"
