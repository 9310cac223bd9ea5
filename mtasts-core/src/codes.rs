//! Stable diagnostic codes, defined once per issue enum.

/// Implements `code()` for an issue enum from a table of patterns and codes, and defines
/// `CODES`, the list of every code in the table, so that the list published to bindings and
/// validators cannot drift from the codes the parsers report.
///
/// Arms under `delegated` forward to a nested enum, whose own `CODES` cover them.
macro_rules! issue_codes {
    (
        $ty:ident {
            $($pattern:pat => $code:literal,)*
        }
        $(delegated {
            $($delegated:pat => $forward:expr,)*
        })?
    ) => {
        impl $ty {
            /// Returns the stable, kebab-case code of the issue.
            pub fn code(&self) -> &'static str {
                match self {
                    $($pattern => $code,)*
                    $($($delegated => $forward,)*)?
                }
            }

            /// Every code that this enum's own variants report, in declaration order.
            pub const CODES: &'static [&'static str] = &[$($code),*];
        }
    };
}

pub(crate) use issue_codes;
