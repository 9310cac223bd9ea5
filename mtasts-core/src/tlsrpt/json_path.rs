//! JSON paths: the names diagnostics give to report fields, such as
//! `policies[0].failure-details[2].sending-mta-ip`, and finding the bytes a path names.
//!
//! Locating is a second pass over the text, run only when a report has diagnostics, so that
//! reading a report without any pays nothing for positions.

use std::fmt::Write as _;

/// One step of a path: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Formats segments as `a.b[0].c`. The root is the empty string.
pub(crate) fn format(segments: &[Segment]) -> String {
    let mut path = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Index(i) => {
                let _ = write!(path, "[{i}]");
            }
        }
    }
    path
}

/// Returns the byte range of the value that `segments` names in `json`, or of the deepest
/// value on the way that exists. Returns `0..0` when even the root is not JSON.
pub(crate) fn locate(json: &[u8], segments: &[Segment]) -> (usize, usize) {
    let mut scanner = Scanner { json, pos: 0 };
    scanner.skip_space();
    let mut found = (scanner.pos, scanner.pos);
    for segment in segments {
        let start = scanner.pos;
        let Some(end) = scanner.value_end() else {
            return found;
        };
        found = (start, end);
        scanner.pos = start;
        let entered = match segment {
            Segment::Key(key) => scanner.enter_member(key),
            Segment::Index(index) => scanner.enter_element(*index),
        };
        if !entered {
            return found;
        }
    }
    let start = scanner.pos;
    match scanner.value_end() {
        Some(end) => (start, end),
        None => found,
    }
}

struct Scanner<'a> {
    json: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.json.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Returns the end of the value starting at `pos`, leaving `pos` after it.
    fn value_end(&mut self) -> Option<usize> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => self.skip_container(),
            _ => {
                while matches!(self.peek(), Some(b) if !b",}] \t\r\n".contains(&b)) {
                    self.pos += 1;
                }
                Some(self.pos)
            }
        }
    }

    fn skip_string(&mut self) -> Option<usize> {
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some(self.pos);
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips a whole object or array, counting brackets outside strings. Iterative, so that
    /// deep nesting cannot exhaust the stack.
    fn skip_container(&mut self) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.skip_string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return Some(self.pos);
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Moves from the start of an object to the value of its first member named `key`.
    fn enter_member(&mut self, key: &str) -> bool {
        if self.peek() != Some(b'{') {
            return false;
        }
        self.pos += 1;
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return false;
            }
            let name_start = self.pos + 1;
            let Some(name_end) = self.skip_string() else {
                return false;
            };
            let name = &self.json[name_start..name_end - 1];
            self.skip_space();
            if self.peek() != Some(b':') {
                return false;
            }
            self.pos += 1;
            self.skip_space();
            if name == key.as_bytes() {
                return true;
            }
            if self.value_end().is_none() {
                return false;
            }
            self.skip_space();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
    }

    /// Moves from the start of an array to its element number `index`.
    fn enter_element(&mut self, index: usize) -> bool {
        if self.peek() != Some(b'[') {
            return false;
        }
        self.pos += 1;
        for _ in 0..index {
            self.skip_space();
            if self.value_end().is_none() {
                return false;
            }
            self.skip_space();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
        self.skip_space();
        !matches!(self.peek(), None | Some(b']'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    fn text<'a>(json: &'a str, path: &[Segment]) -> &'a str {
        let (start, end) = locate(json.as_bytes(), path);
        &json[start..end]
    }

    #[test]
    fn format_joins_keys_and_indexes() {
        let path = [
            key("policies"),
            Segment::Index(0),
            key("policy"),
            key("mx-host"),
        ];
        assert_eq!(format(&path), "policies[0].policy.mx-host");
        assert_eq!(format(&[]), "");
    }

    #[test]
    fn locate_finds_nested_values() {
        let json =
            r#"{"a": 1, "b": [ {"c": "x,]}"}, {"c": [1, 2], "d": null} ], "e": {"f": true}}"#;
        assert_eq!(text(json, &[key("a")]), "1");
        assert_eq!(
            text(json, &[key("b"), Segment::Index(1), key("c")]),
            "[1, 2]"
        );
        assert_eq!(
            text(json, &[key("b"), Segment::Index(0), key("c")]),
            r#""x,]}""#
        );
        assert_eq!(text(json, &[key("b"), Segment::Index(1), key("d")]), "null");
        assert_eq!(text(json, &[key("e"), key("f")]), "true");
    }

    #[test]
    fn locate_falls_back_to_the_deepest_existing_value() {
        let json = r#"{"a": {"b": 1}}"#;
        assert_eq!(text(json, &[key("a"), key("missing")]), r#"{"b": 1}"#);
        assert_eq!(text(json, &[key("a"), Segment::Index(3)]), r#"{"b": 1}"#);
        assert_eq!(locate(b"", &[key("a")]), (0, 0));
        assert_eq!(
            locate(b"{\"a\": [1, ", &[key("a"), Segment::Index(5)]),
            (0, 0)
        );
    }

    #[test]
    fn locate_survives_deep_nesting() {
        let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(locate(json.as_bytes(), &[Segment::Index(0)]).0, 1);
    }
}
