//! MTA-STS ([RFC 8461](https://www.rfc-editor.org/rfc/rfc8461)): the `_mta-sts` TXT record, the
//! policy file, MX host patterns and certificate name matching.

mod cert;
mod media_type;
mod mx_overlap;
mod pattern;
mod policy;
mod policy_fast;
mod policy_parser;
mod record;

pub use cert::{certificate_matches, dns_id_matches};
pub use media_type::{ContentTypeError, ContentTypeWarning, check_content_type};
pub use pattern::{MxPattern, PatternError, find_match};
pub use policy::{MAX_MAX_AGE, MAX_POLICY_SIZE, Mode, Policy, PolicyError};
pub use policy_parser::{PolicyIssue, RequiredField};
pub use record::{Extension, ExtensionError, PolicyId, StsRecord};
