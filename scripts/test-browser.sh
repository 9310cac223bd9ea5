#!/usr/bin/env bash
# Runs the browser suite of mtasts-wasm: builds the module, generates its package with
# `wasm-bindgen --target web`, and drives headless Chromium through the validator page in
# mtasts-wasm/tests/browser/ with playwright-core (mtasts-wasm/tests/browser/browser.test.mjs).
# The page is served on 127.0.0.1 only.
#
# On a fresh machine it first installs Debian's chromium package when /usr/bin/chromium is
# missing (with sudo unless run as root), the wasm32 target and wasm-bindgen-cli, and the pinned
# npm packages of mtasts-wasm/tests (see mtasts-wasm/tests/tools.sh). playwright-core uses the
# system's Chromium and downloads no browser. Needs rustup, cargo, Node.js 20 and npm on PATH.
# Prints only a summary on success, and the full output of the failing step otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=/usr/bin/chromium
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail() {
    echo "test-browser.sh: $*" >&2
    if [ -s "$log" ]; then
        echo "--- output of the failed step ---" >&2
        cat "$log" >&2
    fi
    exit 1
}

for tool in rustup cargo node npm; do
    command -v "$tool" >/dev/null || fail "$tool not found on PATH; install it and run again"
done

if [ ! -x "$chromium" ]; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "$chromium is missing: install Debian's chromium package"
        sudo=(sudo)
    fi
    {
        "${sudo[@]}" apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q \
                --no-install-recommends chromium
    } >"$log" 2>&1 || fail "apt-get install chromium failed"
    [ -x "$chromium" ] || fail "apt-get installed chromium, but $chromium is still missing"
fi

# shellcheck source=../mtasts-wasm/tests/tools.sh
source mtasts-wasm/tests/tools.sh
ensure_wasm_target
ensure_wasm_bindgen_cli
ensure_node_modules

cargo build -p mtasts-wasm --target "$wasm_target" --locked >"$log" 2>&1 ||
    fail "cargo build -p mtasts-wasm --target $wasm_target failed"
package="$target_dir/mtasts-wasm-web"
module="$target_dir/$wasm_target/debug/mtasts_wasm.wasm"
wasm-bindgen --target web --out-dir "$package" "$module" >"$log" 2>&1 ||
    fail "wasm-bindgen --target web failed"

MTASTS_WASM_WEB_PKG="$package" CHROMIUM="$chromium" \
    node --test mtasts-wasm/tests/browser/browser.test.mjs >"$log" 2>&1 ||
    fail "node --test mtasts-wasm/tests/browser/browser.test.mjs failed"
passed=$(awk '/^# pass / { print $3 }' "$log")

echo "mtasts-wasm browser: $passed passed, 0 failed"
