//! Tests of the exports' JavaScript values, run under Node.js by wasm-bindgen-test-runner
//! (`scripts/test-wasm.sh`). On other targets this file compiles to nothing.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Map, Object, Reflect, Uint8Array};
use mtasts_wasm::tlsrpt::{check_report, check_tlsrpt_record, diagnostic_codes, summarize};
use mtasts_wasm::{check_policy, check_sts_record, match_mx};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CRLF_POLICY: &str = include_str!("../../testdata/corpus/policy-crlf.txt");
const HEX_MAX_AGE_POLICY: &str = include_str!("../../testdata/corpus/policy-max-age-hex.txt");
const EXTENSION_POLICY: &str = include_str!("../../testdata/corpus/policy-extension-field.txt");
const RFC_REPORT: &str = include_str!("../../testdata/corpus/report-rfc8460-example.json");
const EMAIL_REPORT: &[u8] = include_bytes!("../../testdata/corpus/report-email-google-style.eml");

fn to_json(value: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(value.clone()).expect("a result converts back to JSON")
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).expect("Reflect.get on an object")
}

fn keys(object: &JsValue) -> Vec<String> {
    let object = object.dyn_ref::<Object>().expect("a plain object");
    Object::keys(object)
        .iter()
        .map(|key| key.as_string().expect("string keys"))
        .collect()
}

#[wasm_bindgen_test]
fn check_policy_valid_crlf() {
    let result = check_policy(CRLF_POLICY.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        to_json(&result),
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

#[wasm_bindgen_test]
fn check_policy_invalid_lists_diagnostics() {
    let result = check_policy(HEX_MAX_AGE_POLICY.into(), JsValue::FALSE).unwrap();
    assert_eq!(
        to_json(&result),
        json!({
            "valid": false,
            "diagnostics": [{
                "severity": "error",
                "code": "invalid-max-age",
                "line": 4,
                "column": 10,
                "offset": 59,
                "length": 7,
                "text": "0x15180",
                "message": "expected max_age as 1 to 10 ASCII digits, found \"0x15180\"",
                "hint": "write the number in decimal"
            }]
        })
    );
    assert_eq!(keys(&result), ["valid", "diagnostics"]);
}

#[wasm_bindgen_test]
fn check_policy_strict_rejects_warning() {
    let text = "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n";
    let lenient = check_policy(text.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&lenient, "valid"), JsValue::TRUE);
    let warning = get(&get(&lenient, "diagnostics"), "0");
    assert_eq!(get(&warning, "severity"), "warning");
    assert_eq!(get(&warning, "code"), "testing-mode");
    let strict = check_policy(text.into(), JsValue::TRUE).unwrap();
    assert_eq!(get(&strict, "valid"), JsValue::FALSE);
    let error = get(&get(&strict, "diagnostics"), "0");
    assert_eq!(get(&error, "severity"), "error");
    assert_eq!(get(&error, "line").as_f64(), Some(2.0));
    assert_eq!(get(&error, "column").as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
fn check_policy_extensions_plain_object() {
    let result = check_policy(EXTENSION_POLICY.into(), JsValue::UNDEFINED).unwrap();
    let extensions = get(&get(&result, "policy"), "extensions");
    assert!(!extensions.is_instance_of::<Map>());
    let prototype = Object::get_prototype_of(&extensions);
    assert!(Object::is(
        &prototype,
        &Object::get_prototype_of(&Object::new())
    ));
    assert_eq!(get(&extensions, "policy_note"), "managed by ops team");
    assert!(Array::is_array(&get(&get(&result, "policy"), "mx")));
}

#[wasm_bindgen_test]
fn check_sts_record_decodes_pasted_dig_output() {
    let pasted = r#"_mta-sts.example.com. 300 IN TXT "v=STSv1; id=2024" "0101T000000Z""#;
    let result = check_sts_record(pasted.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        to_json(&result),
        json!({
            "valid": true,
            "diagnostics": [{
                "severity": "warning",
                "code": "presentation-form",
                "line": 1,
                "column": 1,
                "offset": 0,
                "length": 28,
                "text": "v=STSv1; id=20240101T000000Z",
                "message": "record is in zone-file presentation form (quotes or backslash escapes)",
                "hint": "the record data is \"v=STSv1; id=20240101T000000Z\""
            }],
            "data": "v=STSv1; id=20240101T000000Z",
            "record": {
                "version": "STSv1",
                "id": "20240101T000000Z",
                "extensions": {}
            }
        })
    );
}

#[wasm_bindgen_test]
fn check_sts_record_plain_invalid() {
    let result = check_sts_record("v=STSv1; id=2016-08-31".into(), JsValue::UNDEFINED).unwrap();
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(false));
    assert_eq!(json["data"], json!("v=STSv1; id=2016-08-31"));
    assert_eq!(json["diagnostics"][0]["code"], json!("invalid-id"));
    assert_eq!(json["diagnostics"][0]["column"], json!(13));
    assert_eq!(json["diagnostics"][0]["offset"], json!(12));
    assert_eq!(keys(&result), ["valid", "diagnostics", "data"]);
}

#[wasm_bindgen_test]
fn check_sts_record_strict_rejects_pasted_form() {
    let result = check_sts_record(r#""v=STSv1; id=1""#.into(), JsValue::TRUE).unwrap();
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(false));
    assert_eq!(json["diagnostics"][0]["severity"], json!("error"));
    assert_eq!(json["diagnostics"][0]["code"], json!("presentation-form"));
}

#[wasm_bindgen_test]
fn match_mx_returns_matching_pattern() {
    let result = match_mx(CRLF_POLICY.into(), "MX1.example.net.".into()).unwrap();
    assert_eq!(get(&result, "pattern"), "*.example.net");
    assert_eq!(get(&result, "valid"), JsValue::TRUE);
    assert_eq!(keys(&result), ["valid", "diagnostics", "policy", "pattern"]);
    let literal = match_mx(CRLF_POLICY.into(), "mail.example.com".into()).unwrap();
    assert_eq!(get(&literal, "pattern"), "mail.example.com");
}

#[wasm_bindgen_test]
fn match_mx_no_match_is_null() {
    let result = match_mx(CRLF_POLICY.into(), "a.b.example.net".into()).unwrap();
    assert!(get(&result, "pattern").is_null());
    assert_eq!(get(&result, "valid"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn match_mx_invalid_policy() {
    let result = match_mx(HEX_MAX_AGE_POLICY.into(), "mail.example.com".into()).unwrap();
    assert_eq!(keys(&result), ["valid", "diagnostics", "pattern"]);
    assert_eq!(get(&result, "valid"), JsValue::FALSE);
    assert!(get(&result, "pattern").is_null());
    let json = to_json(&result);
    assert_eq!(json["diagnostics"][0]["code"], json!("invalid-max-age"));
}

#[wasm_bindgen_test]
fn check_tlsrpt_record_decodes_pasted_dig_output() {
    let pasted =
        r#"_smtp._tls.example.com. 300 IN TXT "v=TLSRPTv1\; rua=mailto:tlsrpt@example.com""#;
    let result = check_tlsrpt_record(pasted.into(), JsValue::UNDEFINED).unwrap();
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(true));
    assert_eq!(
        json["data"],
        json!("v=TLSRPTv1; rua=mailto:tlsrpt@example.com")
    );
    assert_eq!(
        json["record"],
        json!({"version": "TLSRPTv1", "rua": ["mailto:tlsrpt@example.com"], "extensions": {}})
    );
    assert_eq!(json["diagnostics"][0]["code"], json!("presentation-form"));
    assert_eq!(keys(&result), ["valid", "diagnostics", "data", "record"]);
}

#[wasm_bindgen_test]
fn check_tlsrpt_record_invalid_has_no_record() {
    let result = check_tlsrpt_record(
        "v=TLSRPTv1; rua=postmaster@example.com".into(),
        JsValue::FALSE,
    )
    .unwrap();
    assert_eq!(keys(&result), ["valid", "diagnostics", "data"]);
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(false));
    assert_eq!(json["diagnostics"][0]["code"], json!("rua-missing-scheme"));
    assert_eq!(
        json["diagnostics"][0]["hint"],
        json!("write \"mailto:postmaster@example.com\"")
    );
}

#[wasm_bindgen_test]
fn check_report_json_carries_paths() {
    let result = check_report(
        Uint8Array::from(RFC_REPORT.as_bytes()).into(),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(keys(&result), ["valid", "format", "diagnostics", "report"]);
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(true));
    assert_eq!(json["format"], json!({"type": "json"}));
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["code"], json!("string-for-array"));
    assert_eq!(diagnostic["path"], json!("policies[0].policy.mx-host"));
    assert_eq!(diagnostic["source"], json!("report"));
    assert_eq!(
        json["report"]["policies"][0]["policy"]["mx-host"],
        json!(["*.mail.company-y.example"])
    );
}

#[wasm_bindgen_test]
fn check_report_email_format_and_headers() {
    let result = check_report(Uint8Array::from(EMAIL_REPORT).into(), JsValue::UNDEFINED).unwrap();
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(true));
    assert_eq!(
        json["format"],
        json!({
            "type": "email",
            "media_type": "application/tlsrpt+gzip",
            "file_name": "google.com!example.com!1725321600!1725407999!001.json.gz",
            "compressed": true
        })
    );
    assert_eq!(json["email"]["tls_report_domain"], json!("example.com"));
    let sources: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["source"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("message", "submitter-mismatch"),
            ("message", "file-name-mismatch"),
            ("report", "missing-optional-member")
        ]
    );
    let strict =
        to_json(&check_report(Uint8Array::from(EMAIL_REPORT).into(), JsValue::TRUE).unwrap());
    assert_eq!(strict["valid"], json!(false));
    assert!(strict.get("report").is_none());
}

#[wasm_bindgen_test]
fn check_report_input_error() {
    let result = check_report(
        Uint8Array::from(&[0x1f, 0x8b, b'x'][..]).into(),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(keys(&result), ["valid", "format", "error", "diagnostics"]);
    let json = to_json(&result);
    assert_eq!(json["format"], json!(null));
    assert_eq!(json["error"]["code"], json!("invalid-gzip"));
    assert_eq!(json["diagnostics"], json!([]));
}

#[wasm_bindgen_test]
fn summarize_counts_and_lists_errors() {
    let reports = [
        Uint8Array::from(RFC_REPORT.as_bytes()),
        Uint8Array::from(&b"{"[..]),
        Uint8Array::from(RFC_REPORT.as_bytes()),
    ];
    let result = summarize(reports.iter().collect::<Array>().into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        keys(&result),
        ["reports", "duplicate_reports", "domains", "errors"]
    );
    let json = to_json(&result);
    assert_eq!(json["reports"], json!(1));
    assert_eq!(json["duplicate_reports"], json!(1));
    assert_eq!(
        json["domains"][0]["policy_domain"],
        json!("company-y.example")
    );
    assert_eq!(json["domains"][0]["total"]["failed_sessions"], json!(303));
    assert_eq!(json["domains"][0]["days"][0]["date"], json!("2016-04-01"));
    assert_eq!(json["errors"][0]["index"], json!(1));
    assert_eq!(json["errors"][0]["code"], json!("invalid-json"));
}

#[wasm_bindgen_test]
fn diagnostic_codes_match_core() {
    let codes = diagnostic_codes();
    assert_eq!(codes, mtasts_core::Issue::all_codes());
}
