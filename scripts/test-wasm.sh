#!/usr/bin/env bash
# Runs the WebAssembly tests of mtasts-wasm: the wasm-bindgen-test suite under Node.js, then a
# Node.js test of the package that wasm-bindgen generates (export names, .d.ts, JS values).
#
# On a fresh machine it first adds the wasm32-unknown-unknown target and installs
# wasm-bindgen-cli at the exact version that mtasts-wasm/Cargo.toml pins. Building the CLI took
# 3.5 minutes on the project's 2-core development machine. Needs rustup, cargo and Node.js 20 on
# PATH. Prints only a summary on success, and the full output of the failing step otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

target=wasm32-unknown-unknown
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

for tool in rustup cargo node; do
    command -v "$tool" >/dev/null || fail "$tool not found on PATH; install it and run again"
done

if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target" >"$log" 2>&1 || fail "rustup target add $target failed"
fi

# The CLI must be the exact version of the wasm-bindgen crate that the tests link.
version=$(sed -nE 's/^wasm-bindgen = "=([0-9]+\.[0-9]+\.[0-9]+)"$/\1/p' mtasts-wasm/Cargo.toml)
if [ -z "$version" ]; then
    fail 'mtasts-wasm/Cargo.toml has no exact pin of the form wasm-bindgen = "=X.Y.Z"'
fi
installed=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$version" ]; then
    cargo install wasm-bindgen-cli --version "$version" --locked >"$log" 2>&1 ||
        fail "cargo install wasm-bindgen-cli --version $version --locked failed"
    installed=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$installed" != "$version" ]; then
        fail "installed wasm-bindgen-cli $version, but wasm-bindgen-test-runner on PATH" \
            "is '${installed:-missing}': put cargo's bin directory first on PATH"
    fi
fi

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# With V8's optimizing tier, Node.js 20 needed 1.5 to 3 minutes and several GiB of memory for the
# debug test binary on a 2-core machine, and over 9 minutes when psl was built optimized. The
# likely cause is the binary's largest functions, psl's generated lookup tables of up to 276 KB
# of code each. The baseline compiler alone (--liftoff-only) runs the suite in seconds.
export NODE_ARGS=--liftoff-only

cargo test -p mtasts-wasm --target "$target" --locked >"$log" 2>&1 ||
    fail "cargo test -p mtasts-wasm --target $target failed"
rust_passed=$(awk '/^test result: ok\./ { sum += $4 } END { print sum + 0 }' "$log")

cargo build -p mtasts-wasm --target "$target" --locked >"$log" 2>&1 ||
    fail "cargo build -p mtasts-wasm --target $target failed"
package="$target_dir/mtasts-wasm-node"
wasm-bindgen --target nodejs --out-dir "$package" "$target_dir/$target/debug/mtasts_wasm.wasm" \
    >"$log" 2>&1 || fail "wasm-bindgen --target nodejs failed"
MTASTS_WASM_PKG="$package" node --test mtasts-wasm/tests/js/exports.test.mjs >"$log" 2>&1 ||
    fail "node --test mtasts-wasm/tests/js/exports.test.mjs failed"
node_passed=$(awk '/^# pass / { print $3 }' "$log")

echo "mtasts-wasm: $((rust_passed + node_passed)) passed, 0 failed"
