//! Operation descriptors: what a request is, independent of its arguments.

use http::Method;

/// Describes one API operation: a stable name, the HTTP method, the path template and
/// whether repeating it is harmless.
///
/// Spans and errors carry the name and the template, never the concrete URL, so ids and
/// query strings stay out of logs.
///
/// ```
/// use core_http::Operation;
/// const GET_USER: Operation = Operation::get("users.get", "/users/{id}");
/// assert!(GET_USER.idempotent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Stable, dotted name such as `admins.list`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// Path after the base URL, with `{param}` placeholders.
    pub path: &'static str,
    /// Whether sending the request twice has the same effect as sending it once.
    pub idempotent: bool,
}

impl Operation {
    /// A descriptor with an explicit idempotency flag.
    pub const fn new(
        name: &'static str,
        method: Method,
        path: &'static str,
        idempotent: bool,
    ) -> Self {
        Self {
            name,
            method,
            path,
            idempotent,
        }
    }

    /// An idempotent `GET`.
    pub const fn get(name: &'static str, path: &'static str) -> Self {
        Self::new(name, Method::GET, path, true)
    }

    /// A non-idempotent `POST`.
    pub const fn post(name: &'static str, path: &'static str) -> Self {
        Self::new(name, Method::POST, path, false)
    }

    /// An idempotent `PUT`.
    pub const fn put(name: &'static str, path: &'static str) -> Self {
        Self::new(name, Method::PUT, path, true)
    }

    /// A `PATCH`, treated as non-idempotent unless marked otherwise.
    pub const fn patch(name: &'static str, path: &'static str) -> Self {
        Self::new(name, Method::PATCH, path, false)
    }

    /// An idempotent `DELETE`.
    pub const fn delete(name: &'static str, path: &'static str) -> Self {
        Self::new(name, Method::DELETE, path, true)
    }

    /// The same operation with its idempotency flag replaced, e.g. for a `POST` that the
    /// vendor documents as a pure read.
    #[must_use]
    pub const fn with_idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}
