//! Matching a certificate's DNS names against the MX host
//! ([RFC 8461 §4.2](https://www.rfc-editor.org/rfc/rfc8461#section-4.2), RFC 6125 §6.4).
//!
//! RFC 8461 §4.2: the certificate "MUST include a subject alternative name (SAN) containing a
//! DNS-ID that matches the hostname". The functions here take the SAN `dNSName` entries only,
//! so the subject common name is never consulted, as RFC 6125 §6.4.4 allows only when no
//! DNS-ID is present.
//!
//! # Deviations and leniency
//!
//! - A wildcard is honoured only as the whole left-most label (`*.example.com`), as RFC 9525
//!   §6.3 requires. RFC 6125 §6.4.3 would also allow partial-label wildcards such as
//!   `mx*.example.com`; they never match here.
//! - A wildcard needs at least two labels after it, so `*.com` matches nothing. OpenSSL's
//!   `X509_check_host` applies the same rule.
//! - One trailing dot on the reference host is ignored. Presented names must not end with a
//!   dot, since RFC 5280 §4.2.1.6 requires the preferred name syntax.

use crate::domain;

/// Checks whether one presented DNS-ID `dns_id` (a SAN `dNSName`) matches the MX host `host`.
///
/// Letter case is ignored, the host may carry one trailing dot and may use U-labels.
///
/// # Examples
///
/// ```
/// use mtasts_core::sts::dns_id_matches;
///
/// assert!(dns_id_matches("*.example.net", "MX1.example.net."));
/// assert!(!dns_id_matches("*.example.net", "a.b.example.net"));
/// assert!(!dns_id_matches("mx*.example.net", "mx1.example.net"));
/// ```
pub fn dns_id_matches(dns_id: &str, host: &str) -> bool {
    match domain::normalize_reference(host) {
        Some(host) => matches_normalized(dns_id.as_bytes(), host.as_bytes()),
        None => false,
    }
}

/// Checks whether any of a certificate's SAN `dNSName` entries matches the MX host `host`.
///
/// # Examples
///
/// ```
/// use mtasts_core::sts::certificate_matches;
///
/// let san = ["mail.example.org", "*.mx.example.net"];
/// assert!(certificate_matches(san, "eu.mx.example.net"));
/// assert!(!certificate_matches(san, "example.org"));
/// ```
pub fn certificate_matches<'a>(dns_ids: impl IntoIterator<Item = &'a str>, host: &str) -> bool {
    let Some(host) = domain::normalize_reference(host) else {
        return false;
    };
    dns_ids
        .into_iter()
        .any(|id| matches_normalized(id.as_bytes(), host.as_bytes()))
}

fn matches_normalized(presented: &[u8], host: &[u8]) -> bool {
    if presented.is_empty() || host.is_empty() || !presented.is_ascii() {
        return false;
    }
    let Some(base) = presented.strip_prefix(b"*.") else {
        return !presented.contains(&b'*') && domain::eq_ignore_case(presented, host);
    };
    // The wildcard base needs two labels, has no further wildcard and no trailing dot.
    if !base.contains(&b'.') || base.contains(&b'*') || base.ends_with(b".") {
        return false;
    }
    let Some(split) = host.len().checked_sub(base.len() + 1) else {
        return false;
    };
    host[split] == b'.'
        && domain::eq_ignore_case(&host[split + 1..], base)
        && domain::is_ldh_label(&host[..split])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_dns_id_matches_case_insensitively() {
        assert!(dns_id_matches("mail.example.com", "MAIL.example.com"));
        assert!(dns_id_matches("MAIL.EXAMPLE.COM", "mail.example.com."));
        assert!(!dns_id_matches("mail.example.com", "mail.example.co"));
        assert!(!dns_id_matches("mail.example.com.", "mail.example.com"));
    }

    #[test]
    fn wildcard_is_one_whole_left_most_label() {
        assert!(dns_id_matches("*.example.com", "foo.example.com"));
        assert!(!dns_id_matches("*.example.com", "bar.foo.example.com"));
        assert!(!dns_id_matches("*.example.com", "example.com"));
        assert!(!dns_id_matches("foo.*.example.com", "foo.bar.example.com"));
        assert!(!dns_id_matches("f*.example.com", "foo.example.com"));
        assert!(!dns_id_matches("*oo.example.com", "foo.example.com"));
        assert!(!dns_id_matches("*", "localhost"));
    }

    #[test]
    fn wildcard_needs_two_labels_after_it() {
        assert!(!dns_id_matches("*.com", "example.com"));
        assert!(dns_id_matches("*.example.com", "x.example.com"));
    }

    #[test]
    fn host_in_u_labels_is_converted() {
        assert!(dns_id_matches("*.xn--mx-lka.example", "post.møx.example"));
        assert!(dns_id_matches("xn--mx-lka.example", "MØX.example."));
    }

    #[test]
    fn non_ascii_or_empty_never_matches() {
        assert!(!dns_id_matches("møx.example", "møx.example"));
        assert!(!dns_id_matches("", ""));
        assert!(!dns_id_matches("example.com", ""));
    }

    #[test]
    fn certificate_matches_any_san_entry() {
        let san = ["a.example.com", "*.b.example.com"];
        assert!(certificate_matches(san, "a.example.com"));
        assert!(certificate_matches(san, "x.b.example.com"));
        assert!(!certificate_matches(san, "b.example.com"));
        assert!(!certificate_matches([], "a.example.com"));
    }
}
