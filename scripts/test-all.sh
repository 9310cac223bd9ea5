#!/usr/bin/env bash
# Runs every test suite of the project: formatting, clippy, the Rust tests of the workspace
# (which replay the fuzz corpora), the Python tests, the WebAssembly tests and the browser
# tests. On a fresh machine it installs what it needs first (rustup components and targets, a
# pinned wasm-bindgen-cli, a virtualenv with maturin and pytest, the npm packages of
# mtasts-wasm/tests, and Debian's chromium package).
set -euo pipefail
cd "$(dirname "$0")/.."

# Without incremental caches and full debug information, a fresh run peaks at 3.2 GB of build
# output instead of 6.0 GB. Backtraces keep file and line numbers, and a caller's settings win.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export CARGO_PROFILE_TEST_DEBUG="${CARGO_PROFILE_TEST_DEBUG:-line-tables-only}"

step() {
    printf '\n==> %s\n' "$*"
}

step "rustfmt and clippy components"
rustup component add rustfmt clippy >/dev/null

step "format (cargo fmt --check)"
cargo fmt --all --check

step "lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (workspace, including the replay of the fuzz corpora)"
cargo test --workspace --locked

step "Python tests"
scripts/test-python.sh

step "WebAssembly tests"
scripts/test-wasm.sh

step "Browser tests (the validator page in headless Chromium)"
scripts/test-browser.sh

step "all test suites passed"
