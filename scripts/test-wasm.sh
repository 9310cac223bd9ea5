#!/usr/bin/env bash
# Runs the WebAssembly tests of mtasts-wasm: the wasm-bindgen-test suite under Node.js, then
# Node.js tests of the package that wasm-bindgen generates: export names, values, and the
# TypeScript compiler's check of the .d.ts against real results.
#
# On a fresh machine it first adds the wasm32-unknown-unknown target, installs wasm-bindgen-cli
# at the exact version that mtasts-wasm/Cargo.toml pins and runs `npm ci` in mtasts-wasm/tests
# (see mtasts-wasm/tests/tools.sh). Needs rustup, cargo, Node.js 20 and npm on PATH. Prints only
# a summary on success, and the full output of the failing step otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-$PWD/target}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail() {
    echo "test-wasm.sh: $*" >&2
    if [ -s "$log" ]; then
        echo "--- output of the failed step ---" >&2
        cat "$log" >&2
    fi
    exit 1
}

for tool in rustup cargo node npm; do
    command -v "$tool" >/dev/null || fail "$tool not found on PATH; install it and run again"
done

# shellcheck source=../mtasts-wasm/tests/tools.sh
source mtasts-wasm/tests/tools.sh
ensure_wasm_target
ensure_wasm_bindgen_cli
ensure_node_modules

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# With V8's optimizing tier, Node.js 20 needed 1.5 to 3 minutes and several GiB of memory for the
# debug test binary on a 2-core machine, and over 9 minutes when psl was built optimized. The
# likely cause is the binary's largest functions, psl's generated lookup tables of up to 276 KB
# of code each. The baseline compiler alone (--liftoff-only) runs the suite in seconds.
export NODE_ARGS=--liftoff-only

cargo test -p mtasts-wasm --target "$wasm_target" --locked >"$log" 2>&1 ||
    fail "cargo test -p mtasts-wasm --target $wasm_target failed"
rust_passed=$(awk '/^test result: ok\./ { sum += $4 } END { print sum + 0 }' "$log")

cargo build -p mtasts-wasm --target "$wasm_target" --locked >"$log" 2>&1 ||
    fail "cargo build -p mtasts-wasm --target $wasm_target failed"
package="$target_dir/mtasts-wasm-node"
module="$target_dir/$wasm_target/debug/mtasts_wasm.wasm"
wasm-bindgen --target nodejs --out-dir "$package" "$module" >"$log" 2>&1 ||
    fail "wasm-bindgen --target nodejs failed"
MTASTS_WASM_PKG="$package" node --test mtasts-wasm/tests/js/exports.test.mjs \
    mtasts-wasm/tests/js/types.test.mjs >"$log" 2>&1 ||
    fail "node --test mtasts-wasm/tests/js/*.test.mjs failed"
node_passed=$(awk '/^# pass / { print $3 }' "$log")

echo "mtasts-wasm: $((rust_passed + node_passed)) passed, 0 failed"
