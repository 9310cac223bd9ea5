//! JSON paths: the names diagnostics give to report fields, such as
//! `policies[0].failure-details[2].sending-mta-ip`, and finding the bytes a path names.
//!
//! Locating is a second pass over the text, run only when a report has diagnostics, so that
//! reading a report without any pays nothing for positions.

use std::fmt::Write as _;

/// One step of a path: an object member or an array element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(std::borrow::Cow<'static, str>),
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
///
/// This scans every container on the way to its end, so it costs a pass over the text for
/// each path. It is kept as the reference that [`Locator`] is tested against.
#[cfg(test)]
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

/// Locates many paths in one text. It remembers the path it located last, so that a path
/// sharing a prefix with it, or naming a later element or member of the same container, is
/// found by scanning forward from there. Paths located in input order then cost one pass over
/// the text in total, rather than one pass each.
pub(crate) struct Locator<'a> {
    json: &'a [u8],
    /// Whether the root value ends, computed on first use. When it does, every value inside
    /// it ends too.
    complete: Option<bool>,
    /// The last path located, with the offset of the value each segment led to.
    trail: Vec<(Segment, usize)>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(json: &'a [u8]) -> Locator<'a> {
        Locator {
            json,
            complete: None,
            trail: Vec::new(),
        }
    }

    /// Returns the byte range of the value that `segments` names, or of the deepest value on
    /// the way that exists. Returns an empty range at the start of the root when the root
    /// value does not end.
    pub(crate) fn locate(&mut self, segments: &[Segment]) -> (usize, usize) {
        let mut scanner = Scanner {
            json: self.json,
            pos: 0,
        };
        scanner.skip_space();
        let root = scanner.pos;
        let complete = *self
            .complete
            .get_or_insert_with(|| scanner.clone().value_end().is_some());
        if !complete {
            return (root, root);
        }

        let common = self
            .trail
            .iter()
            .zip(segments)
            .take_while(|((done, _), next)| done == *next)
            .count();
        let mut value_start = match common {
            0 => root,
            depth => self.trail[depth - 1].1,
        };
        // Where the last path went on into the same container, scanning resumes from there.
        let previous = self.trail.get(common).cloned();
        self.trail.truncate(common);

        for (depth, segment) in segments.iter().enumerate().skip(common) {
            let container = value_start;
            let resumed = match (&previous, segment) {
                (Some((done, done_start)), next) if depth == common => {
                    scanner.pos = *done_start;
                    scanner.resume(done, next)
                }
                _ => false,
            };
            if !resumed {
                scanner.pos = container;
                let entered = match segment {
                    Segment::Key(key) => scanner.enter_member(key),
                    Segment::Index(index) => scanner.enter_element(*index),
                };
                if !entered {
                    return scanner.span_at(container);
                }
            }
            value_start = scanner.pos;
            self.trail.push((segment.clone(), value_start));
        }
        scanner.span_at(value_start)
    }
}

#[derive(Clone)]
struct Scanner<'a> {
    json: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.json.get(self.pos).copied()
    }

    /// Returns the range of the value that starts at `start`, which is known to end.
    fn span_at(&mut self, start: usize) -> (usize, usize) {
        self.pos = start;
        let end = self.value_end().unwrap_or(start);
        (start, end)
    }

    /// Moves from the value that `done` led to, inside some container, to the value that
    /// `next` names in the same container, scanning forward only. Returns `false` when `next`
    /// is not after `done`, so that the caller searches from the container's start.
    fn resume(&mut self, done: &Segment, next: &Segment) -> bool {
        match (done, next) {
            (Segment::Index(done), Segment::Index(next)) if next > done => {
                for _ in *done..*next {
                    if !self.skip_to_next_value() {
                        return false;
                    }
                }
                !matches!(self.peek(), None | Some(b']'))
            }
            (Segment::Key(_), Segment::Key(key)) => {
                self.skip_to_next_value() && self.find_member(key)
            }
            _ => false,
        }
    }

    /// Skips the value at `pos` and the comma after it, stopping at the next value.
    fn skip_to_next_value(&mut self) -> bool {
        if self.value_end().is_none() {
            return false;
        }
        self.skip_space();
        if self.peek() != Some(b',') {
            return false;
        }
        self.pos += 1;
        self.skip_space();
        true
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
        self.find_member(key)
    }

    /// Moves from the start of a member, or the space before it, to the value of the first
    /// member named `key` from there on.
    fn find_member(&mut self, key: &str) -> bool {
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
        Segment::Key(k.to_owned().into())
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
    fn locator_agrees_with_locate_for_any_order() {
        let json = r#" {"a": [ {"x": 1, "y": ""}, {"x": 2} , {"y": [3, {"z": "]"}]} ],
            "b": {"c": null, "d": 4}, "e": "end"}"#;
        let i = Segment::Index;
        let paths: Vec<Vec<Segment>> = vec![
            vec![key("a"), i(0), key("x")],
            vec![key("a"), i(0), key("y")],
            vec![key("a"), i(1), key("x")],
            vec![key("a"), i(2), key("y"), i(1), key("z")],
            vec![key("a"), i(2)],
            vec![key("a"), i(0)],
            vec![key("b"), key("d")],
            vec![key("b"), key("c")],
            vec![key("b"), key("missing")],
            vec![key("a"), i(7)],
            vec![],
            vec![key("e")],
            vec![key("a"), i(1), key("x")],
            vec![key("a"), i(0), key("y")],
            vec![key("b"), key("c"), i(0)],
        ];
        let mut locator = Locator::new(json.as_bytes());
        for path in &paths {
            assert_eq!(
                locator.locate(path),
                locate(json.as_bytes(), path),
                "{}",
                format(path)
            );
        }
    }

    #[test]
    fn locator_returns_the_root_start_for_unfinished_json() {
        let json = br#" {"a": [1, 2"#;
        let mut locator = Locator::new(json);
        let path = [key("a"), Segment::Index(1)];
        assert_eq!(locator.locate(&path), (1, 1));
        assert_eq!(locate(json, &path), (1, 1));
    }

    #[test]
    fn locate_survives_deep_nesting() {
        let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(locate(json.as_bytes(), &[Segment::Index(0)]).0, 1);
    }
}
