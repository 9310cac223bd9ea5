//! Reading IP addresses from report text faster than `str::parse`, with the same result.
//!
//! A large TLS-RPT report contains two addresses in almost every failure detail. The standard
//! library's parser, written for every form at once, took a sixth of the instructions of
//! reading such a report (counted with callgrind on the 1 MB benchmark).
//!
//! The readers here handle the forms reporters write, dotted-quad IPv4 and IPv6 made of
//! hexadecimal groups, and leave anything else to `str::parse`: an IPv6 address with an
//! embedded IPv4 part, and every text that is not an address. Whatever they return is what
//! `str::parse::<IpAddr>` returns for the same text, which a property test checks.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Parses `text` as an IPv4 or IPv6 address, accepting exactly what `str::parse::<IpAddr>`
/// accepts.
pub(crate) fn parse_ip(text: &str) -> Option<IpAddr> {
    let bytes = text.as_bytes();
    // An IPv6 address fails the IPv4 reader within its first five bytes.
    parse_ipv4(bytes)
        .map(IpAddr::V4)
        .or_else(|| parse_ipv6_groups(bytes).map(IpAddr::V6))
        .or_else(|| text.parse().ok())
}

/// Parses a dotted-quad IPv4 address: four decimal numbers from 0 to 255, of one to three
/// digits and without a leading zero, the rule of `Ipv4Addr::from_str`.
fn parse_ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (index, octet) in octets.iter_mut().enumerate() {
        if index > 0 {
            if bytes.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let start = at;
        let mut value = 0u32;
        while let Some(&digit) = bytes.get(at).filter(|d| d.is_ascii_digit()) {
            if at - start == 3 {
                return None;
            }
            value = value * 10 + u32::from(digit - b'0');
            at += 1;
        }
        let digits = at - start;
        if digits == 0 || (digits > 1 && bytes[start] == b'0') {
            return None;
        }
        *octet = u8::try_from(value).ok()?;
    }
    (at == bytes.len()).then(|| Ipv4Addr::from(octets))
}

/// Parses an IPv6 address written as hexadecimal groups of one to four digits, with at most
/// one `::`. Returns `None` for anything else, an embedded IPv4 part included, which the
/// caller then hands to `str::parse`.
fn parse_ipv6_groups(bytes: &[u8]) -> Option<Ipv6Addr> {
    let mut groups = [0u16; 8];
    let mut count = 0;
    // The position of `::`, as the number of groups before it.
    let mut gap = None;
    let mut at = 0;
    if bytes.starts_with(b"::") {
        gap = Some(0);
        at = 2;
    }
    while at < bytes.len() {
        let start = at;
        let mut value = 0u16;
        while let Some(digit) = bytes.get(at).and_then(|&b| hex_value(b)) {
            if at - start == 4 {
                return None;
            }
            value = (value << 4) | digit;
            at += 1;
        }
        if at == start || count == groups.len() {
            return None;
        }
        groups[count] = value;
        count += 1;
        match bytes.get(at..) {
            Some([]) => break,
            Some([b':', b':', ..]) if gap.is_none() => {
                gap = Some(count);
                at += 2;
            }
            // A single `:` must be followed by another group.
            Some([b':', _, ..]) => at += 1,
            _ => return None,
        }
    }
    match gap {
        None if count == groups.len() => Some(Ipv6Addr::from(groups)),
        // `::` replaces at least one group of zeros.
        Some(before) if count < groups.len() => {
            // The groups after `::` move to the end, and zeros fill the gap. Element by element,
            // because a copy of variable length becomes a call to `memcpy`.
            let mut expanded = [0u16; 8];
            let shift = groups.len() - count;
            for (index, &group) in groups[..count].iter().enumerate() {
                let to = if index < before { index } else { index + shift };
                if let Some(slot) = expanded.get_mut(to) {
                    *slot = group;
                }
            }
            Some(Ipv6Addr::from(expanded))
        }
        _ => None,
    }
}

/// Returns the value of an ASCII hexadecimal digit in either case.
fn hex_value(byte: u8) -> Option<u16> {
    match HEX_VALUES[usize::from(byte)] {
        NOT_HEX => None,
        value => Some(u16::from(value)),
    }
}

/// Marks a byte that is not a hexadecimal digit in [`HEX_VALUES`].
const NOT_HEX: u8 = 0xFF;

/// The value of each hexadecimal digit, indexed by byte value, and [`NOT_HEX`] for the rest.
static HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            digit @ b'0'..=b'9' => digit - b'0',
            letter @ b'a'..=b'f' => letter - b'a' + 10,
            letter @ b'A'..=b'F' => letter - b'A' + 10,
            _ => NOT_HEX,
        };
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Asserts that the fast readers either decline or agree with the standard library.
    fn assert_agrees(text: &str) {
        let expected = text.parse::<IpAddr>().ok();
        assert_eq!(parse_ip(text), expected, "{text:?}");
        if let Some(v4) = parse_ipv4(text.as_bytes()) {
            assert_eq!(Some(IpAddr::V4(v4)), expected, "{text:?}");
        }
        if let Some(v6) = parse_ipv6_groups(text.as_bytes()) {
            assert_eq!(Some(IpAddr::V6(v6)), expected, "{text:?}");
        }
    }

    #[test]
    fn reads_ipv4_like_the_standard_library() {
        assert_eq!(parse_ipv4(b"192.0.2.1"), Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(parse_ipv4(b"0.0.0.0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(parse_ipv4(b"255.255.255.255"), Some(Ipv4Addr::BROADCAST));
        for text in [
            "",
            "1",
            "1.2.3",
            "1.2.3.4.",
            ".1.2.3",
            "1..2.3",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3.04",
            "1.2.3.1234",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1.2.3.a",
            "+1.2.3.4",
            "1.2.3.4.5",
            "999.1.1.1",
            "00.1.1.1",
        ] {
            assert_eq!(parse_ipv4(text.as_bytes()), None, "{text:?}");
            assert_agrees(text);
        }
    }

    #[test]
    fn reads_ipv6_groups_like_the_standard_library() {
        assert_eq!(
            parse_ipv6_groups(b"2001:db8::1"),
            Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))
        );
        assert_eq!(parse_ipv6_groups(b"::"), Some(Ipv6Addr::UNSPECIFIED));
        assert_eq!(parse_ipv6_groups(b"::1"), Some(Ipv6Addr::LOCALHOST));
        assert_eq!(
            parse_ipv6_groups(b"1:2:3:4:5:6:7::"),
            Some(Ipv6Addr::new(1, 2, 3, 4, 5, 6, 7, 0))
        );
        assert_eq!(
            parse_ipv6_groups(b"FE80:0:0:0:0:0:0:00Ab"),
            Some(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0xab))
        );
        for text in [
            ":",
            ":::",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7",
            "1::2::3",
            "1:",
            ":1",
            "1:::2",
            "12345::",
            "::g",
            "2001:db8::1:",
            "2001:db8:::1",
            "::ffff:192.0.2.1",
            "1:2:3:4:5:6:1.2.3.4",
            "fe80::1%eth0",
        ] {
            assert_eq!(parse_ipv6_groups(text.as_bytes()), None, "{text:?}");
            assert_agrees(text);
        }
    }

    #[test]
    fn hands_embedded_ipv4_to_the_standard_library() {
        assert_eq!(
            parse_ip("::ffff:192.0.2.1"),
            Some(IpAddr::V6(Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped()))
        );
    }

    proptest! {
        #[test]
        fn agrees_on_address_like_text(text in "[0-9a-fA-F:.]{0,41}") {
            assert_agrees(&text);
        }

        #[test]
        fn agrees_on_short_address_like_text(text in "[019aF:.]{0,12}") {
            assert_agrees(&text);
        }

        #[test]
        fn reads_every_written_address(
            v4 in any::<u32>(),
            v6 in any::<u128>(),
            zeros in 0u32..8,
            run_at in 0u32..8,
        ) {
            let v4 = Ipv4Addr::from(v4);
            prop_assert_eq!(parse_ipv4(v4.to_string().as_bytes()), Some(v4));
            // Runs of zero groups make the `::` forms.
            let run = u128::MAX.checked_shr(128 - 16 * zeros).unwrap_or(0);
            let v6 = Ipv6Addr::from(v6 & !run.rotate_left(16 * run_at));
            let text = v6.to_string();
            if !text.contains('.') {
                prop_assert_eq!(parse_ipv6_groups(text.as_bytes()), Some(v6));
            }
            prop_assert_eq!(parse_ip(&text), Some(IpAddr::V6(v6)));
        }
    }
}
