#!/usr/bin/env bash
# Builds the Python module `mtasts` (mtasts-py) into a virtualenv and runs its pytest suite,
# which includes mypy's stubtest check of mtasts.pyi.
#
# On a fresh machine it creates the virtualenv in target/python-venv and installs the pinned
# tools of mtasts-py/requirements-dev.txt (maturin, pytest, mypy). Later runs reinstall them only
# when that file changes. Needs cargo and Python 3.9 or later as python3 on PATH. Prints only
# pytest's summary on success, and the full output of the failing step otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$PWD/target/python-venv"
requirements=mtasts-py/requirements-dev.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail() {
    echo "test-python.sh: $*" >&2
    if [ -s "$log" ]; then
        echo "--- output of the failed step ---" >&2
        cat "$log" >&2
    fi
    exit 1
}

for tool in cargo python3; do
    command -v "$tool" >/dev/null || fail "$tool not found on PATH; install it and run again"
done
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    fail "python3 is $(python3 --version 2>&1); the module needs Python 3.9 or later"

if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv" >"$log" 2>&1 ||
        fail "python3 -m venv $venv failed (on Debian, install the python3-venv package)"
fi

stamp="$venv/requirements.sha256"
checksum=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$checksum" ]; then
    "$venv/bin/python" -m pip install --disable-pip-version-check -r "$requirements" \
        >"$log" 2>&1 || fail "pip install -r $requirements failed"
    echo "$checksum" >"$stamp"
fi

# maturin sets PYO3_BUILD_EXTENSION_MODULE for this build only, so the extension module does
# not link libpython while `cargo test --workspace` still does.
VIRTUAL_ENV="$venv" "$venv/bin/maturin" develop --manifest-path mtasts-py/Cargo.toml --locked \
    >"$log" 2>&1 || fail "maturin develop --manifest-path mtasts-py/Cargo.toml failed"

"$venv/bin/python" -m pytest -q -p no:cacheprovider mtasts-py/tests >"$log" 2>&1 ||
    fail "pytest mtasts-py/tests failed"
tail -n 1 "$log"
