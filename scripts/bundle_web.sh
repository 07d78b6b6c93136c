#!/usr/bin/env bash
# Copies the page's JavaScript from npm into the package's static files (run after changing
# web/package.json; the result is committed, so installing tunesmith needs no node).
# Nothing is fetched by the page at run time: abcjs is served by tunesmith's own server.
set -euo pipefail
cd "$(dirname "$0")/../web"
npm ci --no-audit --no-fund --silent
vendor=../src/tunesmith/web/static/vendor
mkdir -p "$vendor"
cp node_modules/abcjs/dist/abcjs-basic-min.js "$vendor/abcjs-basic-min.js"
cp node_modules/abcjs/LICENSE.md "$vendor/abcjs-LICENSE.md"
echo "bundled abcjs $(node -p "require('./node_modules/abcjs/package.json').version") into $vendor"
