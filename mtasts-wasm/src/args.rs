//! Type checks of the arguments that JavaScript passes to the exports.
//!
//! The exports take each argument as a `JsValue` and convert it here, because wasm-bindgen's
//! glue (0.2.129) does not check types. For a `&str` or `&[u8]` parameter it reads `length` from
//! whatever it is given, so `checkPolicy(5)` allocated with an undefined length, trapped, and
//! left the module's memory unsafe for later calls. For an `Option<bool>` parameter it took any
//! truthy value as `true`.
//!
//! A check returns the Rust value or a `TypeError` that names the parameter and the expected
//! type, such as "text must be a string, got number". JavaScript operations that can throw
//! (proxy traps, getters, detached buffers) are imported with `catch`, because an exception
//! from an import without `catch` unwinds through the Rust frames without running their
//! destructors.

use js_sys::{Array, Function, Object, Reflect, Symbol, TypeError, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray(value)`, which throws for a revoked proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;

    /// `Array.from(value)`: a new array whose elements are own data properties, so reading them
    /// runs no getter or proxy trap.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    fn array_from(value: &JsValue) -> Result<Array, JsValue>;

    /// The global `Uint8Array`, declared here to import its constructor with `catch`.
    #[wasm_bindgen(js_name = Uint8Array)]
    type Uint8ArrayCopy;

    /// `new Uint8Array(source)`: a copy with a fresh buffer of this realm. For a typed array
    /// source it reads the length from the internal slot, not from the `length` property.
    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(source: &JsValue) -> Result<Uint8ArrayCopy, JsValue>;
}

/// Converts the string argument `name`.
pub(crate) fn string(name: &str, value: &JsValue) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| type_error(name, "a string", value))
}

/// Converts the optional boolean argument `name`: `undefined` and `null` are `false`.
pub(crate) fn optional_bool(name: &str, value: &JsValue) -> Result<bool, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value
        .as_bool()
        .ok_or_else(|| type_error(name, "a boolean", value))
}

/// Copies the `Uint8Array` argument `name` into wasm memory.
pub(crate) fn bytes(name: &str, value: &JsValue) -> Result<Vec<u8>, JsValue> {
    if typed_array_name(value).as_deref() != Some("Uint8Array") {
        return Err(type_error(name, "a Uint8Array", value));
    }
    // The copy is a plain Uint8Array of this realm, so its `length` cannot be a redefined
    // property. For a detached buffer the constructor throws a TypeError, returned here.
    let copy: Uint8Array = Uint8ArrayCopy::new(value)?.unchecked_into();
    Ok(copy.to_vec())
}

/// Checks that the argument `name` is an array of `Uint8Array` and returns a shallow copy of
/// it, whose elements [`bytes`] can read without running a getter or proxy trap.
pub(crate) fn uint8_array_list(name: &str, value: &JsValue) -> Result<Array, JsValue> {
    if !is_array(value)? {
        return Err(type_error(name, "an array of Uint8Array", value));
    }
    let list = array_from(value)?;
    for (index, element) in list.iter().enumerate() {
        if typed_array_name(&element).as_deref() != Some("Uint8Array") {
            return Err(type_error(
                &format!("{name}[{index}]"),
                "a Uint8Array",
                &element,
            ));
        }
    }
    Ok(list)
}

/// Builds the `TypeError` "{name} must be {expected}, got {type of value}".
fn type_error(name: &str, expected: &str, value: &JsValue) -> JsValue {
    let message = format!("{name} must be {expected}, got {}", describe_type(value));
    TypeError::new(&message).into()
}

/// Describes the type of a value: its `typeof`, except "null", "array" and the name of a typed
/// array type such as "Uint16Array".
fn describe_type(value: &JsValue) -> String {
    if value.is_null() {
        return "null".to_owned();
    }
    if is_array(value) == Ok(true) {
        return "array".to_owned();
    }
    if let Some(name) = typed_array_name(value) {
        return name;
    }
    value
        .js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Returns the type name of a typed array, such as "Uint8Array", or `None` for any other value.
///
/// It calls the standard `%TypedArray%.prototype[Symbol.toStringTag]` getter, which reads an
/// internal slot of the value, like `isUint8Array` in Node.js's `lib/internal/util/types.js`.
/// So it accepts typed arrays of another realm (an iframe, a `vm` context), and rejects proxies
/// and objects that merely inherit from `Uint8Array.prototype`.
fn typed_array_name(value: &JsValue) -> Option<String> {
    let uint8_array_prototype = Object::get_prototype_of(&Uint8Array::new_with_length(0));
    let typed_array_prototype = Object::get_prototype_of(&uint8_array_prototype);
    let descriptor =
        Object::get_own_property_descriptor(&typed_array_prototype, &Symbol::to_string_tag());
    let getter: Function = Reflect::get(&descriptor, &"get".into())
        .ok()?
        .dyn_into()
        .ok()?;
    getter.call0(value).ok()?.as_string()
}
