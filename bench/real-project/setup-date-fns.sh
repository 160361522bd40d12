#!/usr/bin/env bash
# The real project the one-shot test benchmark runs on: date-fns (250 test
# files, 3,160 tests, vitest 3.2 with isolate: false and a disabled browser
# block), at a fixed commit, with the packages its tests import installed
# from npm (its own install needs pnpm workspaces and git submodules we do
# not fetch). The submodules' tsconfig.json files are empty stand-ins: the
# root tsconfig references them and vite's esbuild plugin reads them.
#
# Usage: bench/real-project/setup-date-fns.sh DIR [GIT-SOURCE]
#   GIT-SOURCE: a clone URL or a local mirror (default https://github.com/date-fns/date-fns.git)
set -euo pipefail
dir=${1:?usage: setup-date-fns.sh DIR [GIT-SOURCE]}
source=${2:-https://github.com/date-fns/date-fns.git}
commit=dd66398305c2b015fba3c1b3d31ccff42ee8d4cf
if [ ! -d "$dir/.git" ]; then
  git clone -q "$source" "$dir"
fi
cd "$dir"
git checkout -q "$commit"
for m in tz utc docs build; do mkdir -p "submodules/$m" && echo '{}' > "submodules/$m/tsconfig.json"; done
deps="$dir.deps"
mkdir -p "$deps"
cat > "$deps/package.json" <<'JSON'
{ "name": "date-fns-bench-deps", "private": true, "type": "module",
  "devDependencies": { "vitest": "3.2.4", "@date-fns/tz": "^1.4.1", "@date-fns/utc": "^2.1.1",
    "sinon": "^7.5.0", "lodash": "^4.17.21", "js-fns": "^2.5.2", "fp-ts": "^2.16.10",
    "typescript": "5.9.2", "@types/node": "^20.19.9" } }
JSON
(cd "$deps" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
ln -sfn "$deps/node_modules" node_modules
printf 'node_modules\nsubmodules/*/tsconfig.json\n' >> .git/info/exclude
echo "$dir ready at $commit (vitest $(node -p 'require("./node_modules/vitest/package.json").version'))"
