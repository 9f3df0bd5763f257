//! Request parameters and the encodings they travel in.

use serde::Serialize;
use serde_json::{Map, Value as Json};

/// How `POST`/`PUT` parameters travel. `GET`/`DELETE` parameters always go in the query
/// string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (default): every value a string, arrays as
    /// compact JSON text, booleans `true`/`false`.
    #[default]
    Form,
    /// An `application/json` object: integers and booleans as JSON values; arrays as
    /// chosen by [`ArrayEncoding`].
    Json,
}

/// How array parameters (`computer_usernames`, `smartcards`, `emails`, `groups`) are sent
/// in [`BodyEncoding::Json`]. In the query string and form bodies they are always JSON
/// text, the documentation's "serialized JSON array".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ArrayEncoding {
    /// A JSON string holding the serialized array, the literal reading of the docs (default).
    #[default]
    JsonString,
    /// A native JSON array.
    Native,
}

/// The wire choices in force for one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wire {
    pub(crate) body: BodyEncoding,
    pub(crate) arrays: ArrayEncoding,
}

/// One parameter value.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    Int(u64),
    Bool(bool),
    /// An array parameter: compact JSON text (field order as declared) and the value.
    Array(String, Json),
}

/// Named parameters in the order they are sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(&'static str, Value)>);

impl Params {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.0.push((name, Value::Text(value.into())));
        self
    }

    pub(crate) fn int(mut self, name: &'static str, value: u64) -> Self {
        self.0.push((name, Value::Int(value)));
        self
    }

    pub(crate) fn bool(mut self, name: &'static str, value: bool) -> Self {
        self.0.push((name, Value::Bool(value)));
        self
    }

    pub(crate) fn array(mut self, name: &'static str, value: &impl Serialize) -> Self {
        // Serializing straight to text keeps struct field order (`number` before `label`,
        // as in the vendor's examples); a `serde_json::Value` would sort the keys.
        let text = serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned());
        let json = serde_json::to_value(value).unwrap_or(Json::Array(Vec::new()));
        self.0.push((name, Value::Array(text, json)));
        self
    }

    /// Every value as text: booleans `true`/`false`, arrays as compact JSON.
    pub(crate) fn as_strings(&self) -> Vec<(&'static str, String)> {
        self.0
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::Text(text) | Value::Array(text, _) => text.clone(),
                    Value::Int(int) => int.to_string(),
                    Value::Bool(flag) => flag.to_string(),
                };
                (*name, text)
            })
            .collect()
    }

    /// A JSON object; arrays as text or native as asked.
    pub(crate) fn as_json(&self, arrays: ArrayEncoding) -> Json {
        let mut object = Map::new();
        for (name, value) in &self.0 {
            let json = match value {
                Value::Text(text) => Json::String(text.clone()),
                Value::Int(int) => Json::from(*int),
                Value::Bool(flag) => Json::Bool(*flag),
                Value::Array(text, array) => match arrays {
                    ArrayEncoding::JsonString => Json::String(text.clone()),
                    ArrayEncoding::Native => array.clone(),
                },
            };
            object.insert((*name).to_owned(), json);
        }
        Json::Object(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_each_mode() {
        let params = Params::new()
            .int("email_id", 12)
            .array("smartcards", &serde_json::json!([{"number": "1"}]))
            .bool("allow_duplicates", false);
        assert_eq!(
            params.as_strings(),
            vec![
                ("email_id", "12".to_owned()),
                ("smartcards", r#"[{"number":"1"}]"#.to_owned()),
                ("allow_duplicates", "false".to_owned()),
            ]
        );
        assert_eq!(
            params.as_json(ArrayEncoding::JsonString),
            serde_json::json!({"email_id": 12, "smartcards": "[{\"number\":\"1\"}]", "allow_duplicates": false})
        );
        assert_eq!(
            params.as_json(ArrayEncoding::Native)["smartcards"],
            serde_json::json!([{"number": "1"}])
        );
    }
}
