//! Tests of the exports' JavaScript values, run under Node.js by wasm-bindgen-test-runner
//! (`scripts/test-wasm.sh`). On other targets this file compiles to nothing.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use js_sys::{Array, Map, Object, Reflect};
use mtasts_wasm::{TYPESCRIPT, check_policy, check_sts_record, match_mx};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CRLF_POLICY: &str = include_str!("../../testdata/corpus/policy-crlf.txt");
const HEX_MAX_AGE_POLICY: &str = include_str!("../../testdata/corpus/policy-max-age-hex.txt");
const EXTENSION_POLICY: &str = include_str!("../../testdata/corpus/policy-extension-field.txt");

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
    let result = check_policy(CRLF_POLICY, None).unwrap();
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
    let result = check_policy(HEX_MAX_AGE_POLICY, Some(false)).unwrap();
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
    let lenient = check_policy(text, None).unwrap();
    assert_eq!(get(&lenient, "valid"), JsValue::TRUE);
    let warning = get(&get(&lenient, "diagnostics"), "0");
    assert_eq!(get(&warning, "severity"), "warning");
    assert_eq!(get(&warning, "code"), "testing-mode");
    let strict = check_policy(text, Some(true)).unwrap();
    assert_eq!(get(&strict, "valid"), JsValue::FALSE);
    let error = get(&get(&strict, "diagnostics"), "0");
    assert_eq!(get(&error, "severity"), "error");
    assert_eq!(get(&error, "line").as_f64(), Some(2.0));
    assert_eq!(get(&error, "column").as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
fn check_policy_extensions_plain_object() {
    let result = check_policy(EXTENSION_POLICY, None).unwrap();
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
    let result = check_sts_record(pasted, None).unwrap();
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
    let result = check_sts_record("v=STSv1; id=2016-08-31", None).unwrap();
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
    let result = check_sts_record(r#""v=STSv1; id=1""#, Some(true)).unwrap();
    let json = to_json(&result);
    assert_eq!(json["valid"], json!(false));
    assert_eq!(json["diagnostics"][0]["severity"], json!("error"));
    assert_eq!(json["diagnostics"][0]["code"], json!("presentation-form"));
}

#[wasm_bindgen_test]
fn match_mx_returns_matching_pattern() {
    let result = match_mx(CRLF_POLICY, "MX1.example.net.").unwrap();
    assert_eq!(get(&result, "pattern"), "*.example.net");
    assert_eq!(get(&result, "valid"), JsValue::TRUE);
    assert_eq!(keys(&result), ["valid", "diagnostics", "policy", "pattern"]);
    let literal = match_mx(CRLF_POLICY, "mail.example.com").unwrap();
    assert_eq!(get(&literal, "pattern"), "mail.example.com");
}

#[wasm_bindgen_test]
fn match_mx_no_match_is_null() {
    let result = match_mx(CRLF_POLICY, "a.b.example.net").unwrap();
    assert!(get(&result, "pattern").is_null());
    assert_eq!(get(&result, "valid"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn match_mx_invalid_policy() {
    let result = match_mx(HEX_MAX_AGE_POLICY, "mail.example.com").unwrap();
    assert_eq!(keys(&result), ["valid", "diagnostics", "pattern"]);
    assert_eq!(get(&result, "valid"), JsValue::FALSE);
    assert!(get(&result, "pattern").is_null());
    let json = to_json(&result);
    assert_eq!(json["diagnostics"][0]["code"], json!("invalid-max-age"));
}

/// One field of a TypeScript interface: its name, whether it is optional (`name?:`) and its
/// type as written.
struct Field {
    optional: bool,
    type_name: String,
}

/// Reads the `export interface` declarations of [`TYPESCRIPT`] into name → field → type.
fn typescript_interfaces() -> BTreeMap<String, BTreeMap<String, Field>> {
    let mut interfaces = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, Field>)> = None;
    for line in TYPESCRIPT.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("export interface ") {
            let name = rest.split_whitespace().next().expect("interface name");
            current = Some((name.to_owned(), BTreeMap::new()));
        } else if line == "}" {
            if let Some((name, fields)) = current.take() {
                interfaces.insert(name, fields);
            }
        } else if let Some((_, fields)) = current.as_mut() {
            let Some((name, type_name)) = line.strip_suffix(';').and_then(|l| l.split_once(": "))
            else {
                continue;
            };
            let optional = name.ends_with('?');
            let field = Field {
                optional,
                type_name: type_name.to_owned(),
            };
            fields.insert(name.trim_end_matches('?').to_owned(), field);
        }
    }
    interfaces
}

/// Checks `value` against the TypeScript type `type_name`, recursing into interfaces and
/// arrays, and returns the mismatches as `path: problem`.
fn check_type(
    interfaces: &BTreeMap<String, BTreeMap<String, Field>>,
    type_name: &str,
    value: &JsValue,
    path: &str,
) -> Vec<String> {
    if let Some(element) = type_name.strip_suffix("[]") {
        let Some(array) = value.dyn_ref::<Array>() else {
            return vec![format!("{path}: expected an array")];
        };
        return array
            .iter()
            .enumerate()
            .flat_map(|(i, item)| check_type(interfaces, element, &item, &format!("{path}[{i}]")))
            .collect();
    }
    if let Some(fields) = interfaces.get(type_name) {
        return check_interface(interfaces, fields, value, path);
    }
    let matches = match type_name {
        "boolean" => value.as_bool().is_some(),
        "number" => value.as_f64().is_some(),
        "string" => value.is_string(),
        "string | null" => value.is_string() || value.is_null(),
        "Record<string, string>" => {
            value.is_object()
                && Object::values(value.unchecked_ref())
                    .iter()
                    .all(|item: JsValue| item.is_string())
        }
        literals => literals
            .split(" | ")
            .any(|literal| value.as_string().as_deref() == Some(literal.trim_matches('"'))),
    };
    if matches {
        Vec::new()
    } else {
        vec![format!("{path}: expected {type_name}, found {value:?}")]
    }
}

fn check_interface(
    interfaces: &BTreeMap<String, BTreeMap<String, Field>>,
    fields: &BTreeMap<String, Field>,
    value: &JsValue,
    path: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let present = keys(value);
    for key in &present {
        if !fields.contains_key(key) {
            problems.push(format!("{path}.{key}: not declared"));
        }
    }
    for (name, field) in fields {
        if !present.contains(name) {
            if !field.optional {
                problems.push(format!("{path}.{name}: required but missing"));
            }
            continue;
        }
        let field_path = format!("{path}.{name}");
        problems.extend(check_type(
            interfaces,
            &field.type_name,
            &get(value, name),
            &field_path,
        ));
    }
    problems
}

#[wasm_bindgen_test]
fn typescript_declarations_match_results() {
    let interfaces = typescript_interfaces();
    assert_eq!(
        interfaces.keys().collect::<Vec<_>>(),
        [
            "Diagnostic",
            "MtastsError",
            "MxMatch",
            "Policy",
            "PolicyCheck",
            "StsRecord",
            "StsRecordCheck"
        ]
    );
    let results = [
        ("PolicyCheck", check_policy(EXTENSION_POLICY, None)),
        ("PolicyCheck", check_policy(HEX_MAX_AGE_POLICY, None)),
        ("PolicyCheck", check_policy(CRLF_POLICY, Some(true))),
        (
            "StsRecordCheck",
            check_sts_record(r#""v=STSv1; id=1; x=y""#, None),
        ),
        ("StsRecordCheck", check_sts_record("v=STSv1 id=1", None)),
        ("MxMatch", match_mx(CRLF_POLICY, "mail.example.com")),
        ("MxMatch", match_mx(CRLF_POLICY, "mail.example.org")),
        ("MxMatch", match_mx(HEX_MAX_AGE_POLICY, "mail.example.com")),
    ];
    for (type_name, result) in results {
        let value = result.unwrap();
        let problems = check_type(&interfaces, type_name, &value, type_name);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // The check itself must reject a result of another shape.
    let policy_check = check_policy(CRLF_POLICY, None).unwrap();
    let problems = check_type(
        &interfaces,
        "StsRecordCheck",
        &policy_check,
        "StsRecordCheck",
    );
    assert_eq!(
        problems,
        [
            "StsRecordCheck.policy: not declared",
            "StsRecordCheck.data: required but missing"
        ]
    );
}
