//! JSON request bodies: the object and its typed fields.

use serde_json::{Map, Value};

use super::{Fail, error};

pub(super) fn body_object(body: &[u8]) -> Result<Map<String, Value>, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(400, "The body must be a JSON object")),
        Err(e) => Err(error(400, format!("Malformed JSON body: {e}"))),
    }
}

pub(super) fn text(body: &Map<String, Value>, name: &str) -> Result<Option<String>, Fail> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(String::new())),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(error(400, format!("{name} must be a string"))),
    }
}

pub(super) fn flag(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, Fail> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(error(400, format!("{name} must be a boolean"))),
    }
}
