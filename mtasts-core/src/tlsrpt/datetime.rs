//! RFC 3339 §5.6 date-times, as TLS-RPT reports use them for their date range.
//!
//! ```text
//! date-time      = full-date "T" full-time
//! full-date      = date-fullyear "-" date-month "-" date-mday
//! full-time      = partial-time time-offset
//! partial-time   = time-hour ":" time-minute ":" time-second [time-secfrac]
//! time-offset    = "Z" / time-numoffset
//! time-numoffset = ("+" / "-") time-hour ":" time-minute
//! ```
//!
//! # Deviations and leniency
//!
//! - A date-time without an offset is taken as UTC and reported as
//!   [`DateTimeQuirk::MissingOffset`]: Microsoft's reports have been sent that way.
//! - A space instead of `T` is accepted as [`DateTimeQuirk::SpaceSeparator`], which RFC 3339
//!   §5.6 mentions as a readability variant.
//! - A leap second (`:60`) is read as `:59` and reported as [`DateTimeQuirk::LeapSecond`],
//!   because timestamps here have no leap seconds.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;
use nom::bytes::complete::{take_while, take_while_m_n};
use nom::character::complete::{char, one_of};
use nom::combinator::opt;
use nom::{IResult, Parser};

/// A deviation from RFC 3339 that [`parse`] accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateTimeQuirk {
    /// No time zone offset: the value was taken as UTC.
    MissingOffset,
    /// A space between date and time instead of `T`.
    SpaceSeparator,
    /// Second 60, read as 59.
    LeapSecond,
}

type NomResult<'a, T> = IResult<&'a str, T, ()>;

fn digits(n: usize) -> impl FnMut(&str) -> NomResult<'_, u32> {
    move |input| {
        let (rest, text) = take_while_m_n(n, n, |c: char| c.is_ascii_digit())(input)?;
        Ok((rest, text.parse().map_err(|_| nom::Err::Error(()))?))
    }
}

struct Parts {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
    separator: char,
    /// Offset east of UTC in seconds, or `None` when the text has none.
    offset: Option<i32>,
}

fn parts(input: &str) -> NomResult<'_, Parts> {
    let (input, year) = digits(4)(input)?;
    let (input, _) = char('-')(input)?;
    let (input, month) = digits(2)(input)?;
    let (input, _) = char('-')(input)?;
    let (input, day) = digits(2)(input)?;
    let (input, separator) = one_of("Tt ")(input)?;
    let (input, hour) = digits(2)(input)?;
    let (input, _) = char(':')(input)?;
    let (input, minute) = digits(2)(input)?;
    let (input, _) = char(':')(input)?;
    let (input, second) = digits(2)(input)?;
    let (input, fraction) = opt(fraction).parse(input)?;
    let (input, offset) = opt(offset).parse(input)?;
    let nanosecond = fraction.unwrap_or(0);
    let parts = Parts {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanosecond,
        separator,
        offset,
    };
    Ok((input, parts))
}

/// Parses `"." 1*DIGIT` into nanoseconds. Digits past the ninth are dropped.
fn fraction(input: &str) -> NomResult<'_, u32> {
    let (input, _) = char('.')(input)?;
    let (rest, text) = take_while(|c: char| c.is_ascii_digit())(input)?;
    if text.is_empty() {
        return Err(nom::Err::Error(()));
    }
    let nanos = text.bytes().chain(std::iter::repeat(b'0')).take(9);
    Ok((rest, nanos.fold(0, |n, d| n * 10 + u32::from(d - b'0'))))
}

fn offset(input: &str) -> NomResult<'_, i32> {
    if let Some(rest) = input.strip_prefix(['Z', 'z']) {
        return Ok((rest, 0));
    }
    let (input, sign) = one_of("+-")(input)?;
    let (input, hours) = digits(2)(input)?;
    let (input, _) = char(':')(input)?;
    let (input, minutes) = digits(2)(input)?;
    if hours > 23 || minutes > 59 {
        return Err(nom::Err::Error(()));
    }
    let seconds = (hours * 3600 + minutes * 60) as i32;
    Ok((input, if sign == '-' { -seconds } else { seconds }))
}

/// Parses an RFC 3339 date-time into a timestamp, with the deviations it accepted.
///
/// Returns `None` for anything else, including impossible dates such as February 30.
pub fn parse(text: &str) -> Option<(Timestamp, Vec<DateTimeQuirk>)> {
    let (rest, p) = parts(text).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let mut quirks = Vec::new();
    if p.separator == ' ' {
        quirks.push(DateTimeQuirk::SpaceSeparator);
    }
    let mut second = p.second;
    if second == 60 {
        second = 59;
        quirks.push(DateTimeQuirk::LeapSecond);
    }
    let civil = DateTime::new(
        i16::try_from(p.year).ok()?,
        i8::try_from(p.month).ok()?,
        i8::try_from(p.day).ok()?,
        i8::try_from(p.hour).ok()?,
        i8::try_from(p.minute).ok()?,
        i8::try_from(second).ok()?,
        i32::try_from(p.nanosecond).ok()?,
    )
    .ok()?;
    let offset = match p.offset {
        Some(seconds) => Offset::from_seconds(seconds).ok()?,
        None => {
            quirks.push(DateTimeQuirk::MissingOffset);
            Offset::UTC
        }
    };
    let timestamp = offset.to_timestamp(civil).ok()?;

    // A positive offset early on 0000-01-01 gives an instant before year 0 in UTC, which
    // `format` cannot write as a four-digit year. Rejecting it keeps every parsed report
    // writable as JSON that reads back.
    if Offset::UTC.to_datetime(timestamp).year() < 0 {
        return None;
    }
    Some((timestamp, quirks))
}

/// Formats a timestamp the way reports should carry it: UTC with `Z`, whole seconds unless the
/// value has a fraction, such as `2016-04-01T00:00:00Z`.
pub fn format(timestamp: Timestamp) -> String {
    let civil = Offset::UTC.to_datetime(timestamp);
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        civil.year(),
        civil.month(),
        civil.day(),
        civil.hour(),
        civil.minute(),
        civil.second()
    );
    let nanos = civil.subsec_nanosecond();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(text: &str) -> (i64, Vec<DateTimeQuirk>) {
        let (timestamp, quirks) = parse(text).unwrap();
        (timestamp.as_second(), quirks)
    }

    #[test]
    fn parse_accepts_rfc3339_forms() {
        assert_eq!(seconds("2016-04-01T00:00:00Z"), (1_459_468_800, vec![]));
        assert_eq!(seconds("2016-04-01t00:00:00z"), (1_459_468_800, vec![]));
        assert_eq!(
            seconds("2016-04-01T02:00:00+02:00"),
            (1_459_468_800, vec![])
        );
        assert_eq!(
            seconds("2016-03-31T19:00:00-05:00"),
            (1_459_468_800, vec![])
        );
        assert_eq!(seconds("2016-04-01T23:59:59Z").0, 1_459_555_199);
    }

    #[test]
    fn parse_keeps_fractions() {
        let (timestamp, _) = parse("2016-04-01T00:00:00.5Z").unwrap();
        assert_eq!(timestamp.subsec_nanosecond(), 500_000_000);
        let (timestamp, _) = parse("2016-04-01T00:00:00.1234567891Z").unwrap();
        assert_eq!(timestamp.subsec_nanosecond(), 123_456_789);
    }

    #[test]
    fn parse_reports_quirks() {
        assert_eq!(
            seconds("2023-01-10T00:00:00"),
            (1_673_308_800, vec![DateTimeQuirk::MissingOffset])
        );
        assert_eq!(
            seconds("2023-01-10 00:00:00Z"),
            (1_673_308_800, vec![DateTimeQuirk::SpaceSeparator])
        );
        assert_eq!(
            seconds("2016-12-31T23:59:60Z"),
            (1_483_228_799, vec![DateTimeQuirk::LeapSecond])
        );
    }

    #[test]
    fn parse_rejects_invalid_text() {
        for text in [
            "",
            "2016-04-01",
            "2016-04-01T00:00Z",
            "2016-02-30T00:00:00Z",
            "2016-13-01T00:00:00Z",
            "2016-04-01T24:00:00Z",
            "2016-04-01T00:00:00+0200",
            "2016-04-01T00:00:00+24:00",
            "2016-04-01T00:00:00.Z",
            "2016-04-01T00:00:00Z ",
            "16-04-01T00:00:00Z",
            "2016-04-01T00:00:00ZZ",
            "0000-01-01T00:00:00+00:01",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn parse_accepts_year_zero_in_utc() {
        assert_eq!(seconds("0000-01-01T00:00:00Z"), (-62_167_219_200, vec![]));
        assert_eq!(
            seconds("0000-01-01T00:01:00+00:01"),
            (-62_167_219_200, vec![])
        );
        let (timestamp, _) = parse("0000-01-01T00:00:00Z").unwrap();
        assert_eq!(format(timestamp), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn format_writes_utc_with_z() {
        let (timestamp, _) = parse("2016-04-01T02:00:00+02:00").unwrap();
        assert_eq!(format(timestamp), "2016-04-01T00:00:00Z");
        let (timestamp, _) = parse("2016-04-01T00:00:00.250Z").unwrap();
        assert_eq!(format(timestamp), "2016-04-01T00:00:00.25Z");
    }
}
