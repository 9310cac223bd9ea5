#!/usr/bin/env bash
# Runs every test suite of the project: formatting, clippy, the Rust tests of the workspace
# (which replay the fuzz corpora), the Python tests and the WebAssembly tests. On a fresh
# machine it installs what it needs first (rustup components and targets, a pinned
# wasm-bindgen-cli, a virtualenv with maturin and pytest).
set -euo pipefail
cd "$(dirname "$0")/.."

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

step "all test suites passed"
