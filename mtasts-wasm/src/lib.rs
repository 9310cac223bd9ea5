//! WebAssembly bindings for `mtasts-core`, for validators that run in a browser or in Node.js.
//!
//! Each export calls the core once and returns a plain JavaScript object, such as
//! `{ valid, diagnostics, policy? }`. Policies, records, reports, diagnostics and summaries are
//! converted through the core's `Serialize` implementations, so their fields have the same names
//! as in the core's JSON output and the CLI's `--json` output. The TypeScript declarations are
//! in `src/types.d.ts` ([`TYPESCRIPT`]), which wasm-bindgen appends to the generated `.d.ts`.
//!
//! The result builders ([`policy_check`], [`sts_record_check`], [`mx_match`] and those in
//! [`tlsrpt`]) are plain Rust so that native `cargo test` covers them. The exports only check
//! the types of their arguments and convert the result to JavaScript. An argument of the wrong
//! type makes an export throw a `TypeError`, such as "text must be a string, got number".

#![deny(missing_docs)]

mod args;
pub mod tlsrpt;

use mtasts_core::sts::{Policy, StsRecord};
use mtasts_core::{Diagnostic, ParseError, ParseOptions, Parsed, txt};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// TypeScript declarations of the objects the exports return, from `types.d.ts`.
pub const TYPESCRIPT: &str = include_str!("types.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_SECTION: &str = TYPESCRIPT;

/// The result of [`check_policy`].
#[derive(Debug, Serialize)]
pub struct PolicyCheck {
    valid: bool,
    diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<Policy>,
}

/// The result of [`check_sts_record`].
#[derive(Debug, Serialize)]
pub struct StsRecordCheck {
    valid: bool,
    diagnostics: Vec<Diagnostic>,
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<StsRecord>,
}

/// The result of [`match_mx`].
#[derive(Debug, Serialize)]
pub struct MxMatch {
    #[serde(flatten)]
    check: PolicyCheck,
    pattern: Option<String>,
}

/// Splits a parse result into the validity, the diagnostics and the value.
pub(crate) fn split<T>(
    result: Result<Parsed<T>, ParseError>,
) -> (bool, Vec<Diagnostic>, Option<T>) {
    match result {
        Ok(parsed) => (true, parsed.warnings, Some(parsed.value)),
        Err(error) => (false, error.diagnostics, None),
    }
}

/// Parses a policy body and reports the policy with its warnings, or every diagnostic.
pub fn policy_check(text: &str, strict: bool) -> PolicyCheck {
    let (valid, diagnostics, policy) =
        split(Policy::parse_with(text.as_bytes(), ParseOptions { strict }));
    PolicyCheck {
        valid,
        diagnostics,
        policy,
    }
}

/// Parses an `_mta-sts` record as pasted from `dig` or a zone file: presentation form is
/// decoded first, with a `presentation-form` warning.
pub fn sts_record_check(text: &str, strict: bool) -> StsRecordCheck {
    let pasted = txt::parse_pasted::<StsRecord>(text, ParseOptions { strict });
    let (valid, diagnostics, record) = split(pasted.result);
    StsRecordCheck {
        valid,
        diagnostics,
        data: String::from_utf8_lossy(&pasted.data).into_owned(),
        record,
    }
}

/// Parses a policy body leniently and finds the first `mx` pattern that `host` matches.
pub fn mx_match(policy_text: &str, host: &str) -> MxMatch {
    let check = policy_check(policy_text, false);
    let pattern = check
        .policy
        .as_ref()
        .and_then(|policy| policy.match_mx(host))
        .map(|pattern| pattern.as_str().to_owned());
    MxMatch { check, pattern }
}

/// Checks an MTA-STS policy body. With `strict`, every warning is an error.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(js_name = checkPolicy, unchecked_return_type = "PolicyCheck")]
pub fn check_policy(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] strict: JsValue,
) -> Result<JsValue, JsValue> {
    let text = args::string("text", &text)?;
    let strict = args::optional_bool("strict", &strict)?;
    to_js(&policy_check(&text, strict))
}

/// Checks an `_mta-sts` TXT record, decoding text pasted from `dig` or a zone file. With
/// `strict`, every warning is an error.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(js_name = checkStsRecord, unchecked_return_type = "StsRecordCheck")]
pub fn check_sts_record(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] strict: JsValue,
) -> Result<JsValue, JsValue> {
    let text = args::string("text", &text)?;
    let strict = args::optional_bool("strict", &strict)?;
    to_js(&sts_record_check(&text, strict))
}

/// Checks a policy body and finds the first `mx` pattern that the MX host `host` matches.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(js_name = matchMx, unchecked_return_type = "MxMatch")]
pub fn match_mx(
    #[wasm_bindgen(js_name = "policyText", unchecked_param_type = "string")] policy_text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] host: JsValue,
) -> Result<JsValue, JsValue> {
    let policy_text = args::string("policyText", &policy_text)?;
    let host = args::string("host", &host)?;
    to_js(&mx_match(&policy_text, &host))
}

/// Converts a result to a plain JavaScript object: maps become objects and `None` becomes
/// `null` (absent where the field is skipped).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).map_err(|error| {
        let message = format!("failed to convert the result to a JavaScript value: {error}");
        let exception = js_sys::Error::new(&message);
        // A new Error object is extensible, so setting `code` on it cannot fail.
        let _ = js_sys::Reflect::set(&exception, &"code".into(), &"conversion-failed".into());
        exception.into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CRLF_POLICY: &str = include_str!("../../testdata/corpus/policy-crlf.txt");

    #[test]
    fn policy_check_valid_has_policy_and_no_diagnostics() {
        let value = serde_json::to_value(policy_check(CRLF_POLICY, false)).unwrap();
        assert_eq!(
            value,
            json!({
                "valid": true,
                "diagnostics": [],
                "policy": {
                    "version": "STSv1",
                    "mode": "enforce",
                    "max_age": 604800,
                    "mx": ["mail.example.com", "*.example.net"],
                    "extensions": {}
                }
            })
        );
    }

    #[test]
    fn policy_check_strict_turns_warning_into_error() {
        let text = "version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 604800\n";
        let lenient = policy_check(text, false);
        assert!(lenient.valid);
        assert_eq!(lenient.diagnostics[0].code(), "mx-trailing-dot");
        let strict = serde_json::to_value(policy_check(text, true)).unwrap();
        assert_eq!(
            strict,
            json!({
                "valid": false,
                "diagnostics": [{
                    "severity": "error",
                    "code": "mx-trailing-dot",
                    "line": 3,
                    "column": 21,
                    "offset": 49,
                    "length": 1,
                    "text": ".",
                    "message": "mx pattern \"mail.example.com.\" ends with a dot",
                    "hint": "remove the dot: \"mx: mail.example.com\""
                }]
            })
        );
    }

    #[test]
    fn sts_record_check_decodes_presentation_form() {
        let check = sts_record_check(r#""v=STSv1; id=2024" "0101""#, false);
        assert!(check.valid);
        assert_eq!(check.data, "v=STSv1; id=20240101");
        assert_eq!(check.record.unwrap().id(), "20240101");
        assert_eq!(check.diagnostics[0].code(), "presentation-form");
    }

    #[test]
    fn mx_match_flattens_the_policy_check() {
        let value = serde_json::to_value(mx_match(CRLF_POLICY, "mx1.example.net.")).unwrap();
        assert_eq!(value["valid"], json!(true));
        assert_eq!(value["pattern"], json!("*.example.net"));
        assert_eq!(value["policy"]["mode"], json!("enforce"));
        let invalid = serde_json::to_value(mx_match("mode: enforce\n", "mx1.example.net")).unwrap();
        assert_eq!(invalid["valid"], json!(false));
        assert_eq!(invalid["pattern"], json!(null));
        assert!(invalid.get("policy").is_none());
    }
}
