# Shared setup of scripts/test-wasm.sh and scripts/test-browser.sh, sourced by both after they
# define `fail` (prints its arguments and the step's output in "$log", then exits) and `log`.
# Each function installs what is missing and does nothing on later runs.

wasm_target=wasm32-unknown-unknown

# Adds the wasm32-unknown-unknown target to the active Rust toolchain.
ensure_wasm_target() {
    if ! rustup target list --installed | grep -qx "$wasm_target"; then
        rustup target add "$wasm_target" >"$log" 2>&1 || fail "rustup target add $wasm_target failed"
    fi
}

# Installs wasm-bindgen-cli at the exact version that mtasts-wasm/Cargo.toml pins, because the
# CLI must match the wasm-bindgen crate that the module links. Building it took 3.5 minutes on
# the project's 2-core development machine.
ensure_wasm_bindgen_cli() {
    local version installed
    version=$(sed -nE 's/^wasm-bindgen = "=([0-9]+\.[0-9]+\.[0-9]+)"$/\1/p' mtasts-wasm/Cargo.toml)
    if [ -z "$version" ]; then
        fail 'mtasts-wasm/Cargo.toml has no exact pin of the form wasm-bindgen = "=X.Y.Z"'
    fi
    installed=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
    if [ "$installed" = "$version" ]; then
        installed=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
    fi
    if [ "$installed" != "$version" ]; then
        cargo install wasm-bindgen-cli --version "$version" --locked >"$log" 2>&1 ||
            fail "cargo install wasm-bindgen-cli --version $version --locked failed"
        installed=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
        if [ "$installed" != "$version" ]; then
            fail "installed wasm-bindgen-cli $version, but wasm-bindgen-test-runner on PATH" \
                "is '${installed:-missing}': put cargo's bin directory first on PATH"
        fi
    fi
}

# Installs the npm packages that mtasts-wasm/tests/package-lock.json pins (the TypeScript
# compiler and playwright-core), again only when the lock file changes. playwright-core has no
# install script and downloads no browser.
ensure_node_modules() {
    local dir=mtasts-wasm/tests stamp checksum
    stamp="$dir/node_modules/.mtasts-lock.sha256"
    checksum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null || true)" != "$checksum" ]; then
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$dir" --no-audit --no-fund \
            >"$log" 2>&1 || fail "npm ci in $dir failed"
        echo "$checksum" >"$stamp"
    fi
}
