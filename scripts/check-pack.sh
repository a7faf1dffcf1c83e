#!/usr/bin/env bash
# Checks the package as a user gets it: builds, packs, installs the tarball into an empty folder
# from the npm registry, and runs `kafka-rule-node demo` there, from the installed package alone
# (no tsx, no source tree, a cwd without examples/). The demo must exit 0 and list every record it
# read back.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

work=$(mktemp -d "${TMPDIR:-/tmp}/krn-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check-pack: $*" >&2
  exit 1
}

# A clean build: files left in dist/ by an older tree must not make the package look complete.
rm -rf dist
npm run build --silent
# --ignore-scripts: `prepare` would build a second time.
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)
echo "check-pack: packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"

mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$work/$tarball"

# package.json's main, types and bin must name files the package holds.
node --input-type=module -e '
  import { existsSync, readFileSync } from "node:fs"
  const dir = "node_modules/kafka-rule-node"
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"))
  const paths = [pkg.main, pkg.types, ...Object.values(pkg.bin ?? {})]
  const missing = paths.filter((p) => typeof p !== "string" || !existsSync(`${dir}/${p}`))
  if (missing.length > 0) {
    console.error(`check-pack: package.json names files the package lacks: ${missing.join(", ")}`)
    process.exit(1)
  }
  await import("kafka-rule-node")
'

status=0
npx --no-install kafka-rule-node demo >demo.out 2>demo.err || status=$?
cat demo.out
if [ "$status" -ne 0 ]; then
  cat demo.err >&2
  fail "the installed demo exited with status $status"
fi
published=$(sed -n 's/^the chain published \([0-9]*\) messages, 0 failed:$/\1/p' demo.out)
read_back=$(sed -n 's/^a consumer read back \([0-9]*\) records (topic\/partition@offset):$/\1/p' demo.out)
listed=$(grep -cE '^  [a-z]+/[0-9]+@[0-9]+ +key=' demo.out || true)
[ -n "$published" ] && [ "$published" -gt 0 ] || fail "the demo published no messages, or some failed"
[ "$read_back" = "$published" ] || fail "the demo read back ${read_back:-no} records of $published published"
[ "$listed" = "$published" ] || fail "the demo listed $listed records of $published read back"
grep -qx 'demo: every message arrived where the node said it would' demo.out || fail "the demo did not confirm its records"
cd "$root"
echo "check-pack: the installed package ran the demo; $listed records read back"
