// The keys of the public-suffix filters. The build script includes this file to fill the
// filters from the list, and the crate includes it to look names up, so both compute keys the
// same way. It uses nothing outside `core`.

/// Base-2 logarithm of the number of bits in the filter of whole names, which has a key for
/// each of the list's 10,000 or so names.
pub(crate) const EXACT_BITS_LOG2: u32 = 17;

/// Base-2 logarithm of the number of bits in the filter of `*.X` rules, about 300.
pub(crate) const WILDCARD_BITS_LOG2: u32 = 13;

/// Returns the key of a whole name from its first and last eight bytes, each read as a
/// little-endian word, and its length. Names in the list often share their last eight bytes
/// (hundreds end in `naws.com`), so the first eight take part too.
pub(crate) const fn exact_key(first: u64, last: u64, length: usize) -> u64 {
    first.rotate_left(31) ^ last ^ ((length as u64) << 56)
}

/// The keys of a name in the filter of `*.X` rules, computed from its last eight bytes.
pub(crate) struct WindowKeys {
    /// The last two labels, with every byte up to and including the dot before them zeroed.
    /// When those labels are longer than the window, the whole window.
    pub(crate) last_two_labels: u64,
    /// The last label, with every byte up to and including the dot before it zeroed, and its
    /// length in bytes. `None` when the window has no dot. Unlike `last_two_labels`, which
    /// keeps the last dot, it has no dot, so the two keys of a name always differ.
    pub(crate) last_label: Option<(u64, usize)>,
}

/// Computes the wildcard filter keys of the name whose last eight bytes are `window`.
pub(crate) const fn window_keys(window: u64) -> WindowKeys {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);
    const LOW_BITS: u64 = !HIGH_BITS;
    // A byte is a dot when it XORs with `.` to zero. Adding 0x7F to the low seven bits sets a
    // byte's high bit exactly when they are not all zero, and no carry leaves the byte.
    let zero_where_dot = window ^ (ONES * b'.' as u64);
    let dots = !(((zero_where_dot & LOW_BITS) + LOW_BITS) | zero_where_dot) & HIGH_BITS;
    if dots == 0 {
        return WindowKeys {
            last_two_labels: window,
            last_label: None,
        };
    }
    // The last dot is the top set bit. The bits above it are the last label.
    let above_last = dots.leading_zeros();
    let last_label = keep_top_bits(window, above_last);
    let earlier_dots = dots & (u64::MAX >> (above_last + 1));
    let last_two_labels = if earlier_dots == 0 {
        window
    } else {
        keep_top_bits(window, earlier_dots.leading_zeros())
    };
    WindowKeys {
        last_two_labels,
        last_label: Some((last_label, (above_last / 8) as usize)),
    }
}

/// Keeps the top `count` bits of `word` and clears the others.
const fn keep_top_bits(word: u64, count: u32) -> u64 {
    match count {
        0 => 0,
        _ => word & (u64::MAX << (64 - count)),
    }
}

/// Returns the bit of `key` in a filter of `2^bits_log2` bits: the top bits of a
/// multiplicative hash, which depend on every bit of the key.
pub(crate) const fn filter_bit(key: u64, bits_log2: u32) -> usize {
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
    let mixed = key ^ (key >> 29);
    (mixed.wrapping_mul(MULTIPLIER) >> (64 - bits_log2)) as usize
}
