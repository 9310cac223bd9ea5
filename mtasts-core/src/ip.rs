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
    let (a, rest) = read_octet(bytes)?;
    let (b, rest) = read_octet(rest.strip_prefix(b".")?)?;
    let (c, rest) = read_octet(rest.strip_prefix(b".")?)?;
    let (d, rest) = read_octet(rest.strip_prefix(b".")?)?;
    rest.is_empty().then_some(Ipv4Addr::new(a, b, c, d))
}

/// Reads the IPv4 octet at the start of `text` and returns it with the text after it. A
/// fourth digit stays in that text, where the caller rejects it.
fn read_octet(text: &[u8]) -> Option<(u8, &[u8])> {
    let (first, after_first) = split_digit(text)?;
    let Some((second, after_second)) = split_digit(after_first) else {
        return Some((first, after_first));
    };
    if first == 0 {
        return None;
    }
    let Some((third, after_third)) = split_digit(after_second) else {
        return Some((first * 10 + second, after_second));
    };
    let value = u16::from(first) * 100 + u16::from(second) * 10 + u16::from(third);
    Some((u8::try_from(value).ok()?, after_third))
}

/// Splits a leading ASCII decimal digit off `text` and returns its value with the rest.
fn split_digit(text: &[u8]) -> Option<(u8, &[u8])> {
    let (&byte, rest) = text.split_first()?;
    let value = byte.wrapping_sub(b'0');
    (value <= 9).then_some((value, rest))
}

/// Parses an IPv6 address written as hexadecimal groups of one to four digits, with at most
/// one `::`. Returns `None` for anything else, an embedded IPv4 part included, which the
/// caller then hands to `str::parse`.
fn parse_ipv6_groups(bytes: &[u8]) -> Option<Ipv6Addr> {
    // The groups read so far, 16 bits each with the last one lowest. At `::` they move to
    // `head`, and `value` starts again with the groups after it.
    let mut value = 0u128;
    let mut head = 0u128;
    let mut count = 0;
    // The position of `::`, as the number of groups before it.
    let mut gap = None;
    let mut rest = bytes;
    if let Some(after) = bytes.strip_prefix(b"::") {
        if after.is_empty() {
            return Some(Ipv6Addr::UNSPECIFIED);
        }
        gap = Some(0);
        rest = after;
    }
    loop {
        let (group, after) = read_group(rest)?;
        if count == 8 {
            return None;
        }
        value = (value << 16) | u128::from(group);
        count += 1;
        match after {
            [] => break,
            [b':', b':', after @ ..] if gap.is_none() => {
                gap = Some(count);
                head = value;
                value = 0;
                if after.is_empty() {
                    break;
                }
                rest = after;
            }
            // A single `:` must be followed by another group, which `read_group` requires.
            [b':', after @ ..] => rest = after,
            _ => return None,
        }
    }
    match gap {
        None if count == 8 => Some(Ipv6Addr::from(value)),
        // `::` replaces at least one group of zeros, and the groups before it move to the top.
        // With no group before it, `checked_shl` returns `None` for the shift by all 128 bits.
        Some(before) if count < 8 => {
            let head = head.checked_shl(16 * (8 - before)).unwrap_or(0);
            Some(Ipv6Addr::from(head | value))
        }
        _ => None,
    }
}

/// Reads the group of one to four hexadecimal digits at the start of `text` and returns its
/// value with the text after it. A fifth digit stays in that text, where the caller rejects
/// it.
fn read_group(text: &[u8]) -> Option<(u16, &[u8])> {
    let mut value = 0u16;
    let mut digits = 0;
    for &byte in text.iter().take(4) {
        let digit = HEX_VALUES[usize::from(byte)];
        if digit == NOT_HEX {
            break;
        }
        value = (value << 4) | u16::from(digit);
        digits += 1;
    }
    let rest = text.get(digits..)?;
    (digits > 0).then_some((value, rest))
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

        // Groups and octets joined as in addresses reach valid text and near misses, such as a
        // fifth hex digit, a ninth group or an octet of 256, far more often than random text.
        #[test]
        fn agrees_on_address_shaped_text(
            groups in prop::collection::vec("[0-9a-fA-F]{1,4}|[0-9a-fA-F]{0,5}", 0..10),
            gap_at in 0usize..12,
            octets in prop::collection::vec("[0-9]{1,3}|[0-9]{1,4}", 2..6),
        ) {
            let mut v6 = String::new();
            for (index, group) in groups.iter().enumerate() {
                if index == gap_at {
                    v6.push_str("::");
                } else if index > 0 {
                    v6.push(':');
                }
                v6.push_str(group);
            }
            if gap_at == groups.len() {
                v6.push_str("::");
            }
            let v4 = octets.join(".");
            assert_agrees(&v6);
            assert_agrees(&v4);
            assert_agrees(&format!("{v6}:{v4}"));
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
