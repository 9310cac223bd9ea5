//! Checks that MX and DNS-ID matching on ASCII host names does not allocate.
//!
//! A counting global allocator records the allocations made on the calling thread, so that
//! allocations by the test harness on other threads are not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use mtasts_benches::{POLICY_5_LINES, POLICY_50_MX_COUNT, check_mtasts_policy, policy_50_mx};
use mtasts_core::sts::{MxPattern, certificate_matches, dns_id_matches};

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_allocation() {
    // `try_with` fails only while the thread is being torn down, when nothing is measured.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every method forwards to `System` with the same arguments, and counting touches
// only a const-initialised thread-local `Cell`, which never allocates.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Returns the number of allocations `f` makes on this thread.
fn allocations_in<T>(f: impl FnOnce() -> T) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    black_box(f());
    ALLOCATIONS.with(Cell::get) - before
}

/// ASCII hosts that hit and miss the benchmark policies, with and without a trailing dot and
/// in mixed case.
const ASCII_HOSTS: [&str; 9] = [
    "mail.example.com",
    "MAIL.Example.COM.",
    "mx1.example.net",
    "mx1.example.net.",
    "a.b.example.net",
    "example.net",
    "mx1.pool49.example.net",
    "mx1.attacker.example",
    "",
];

#[test]
fn counter_sees_allocations() {
    assert_eq!(allocations_in(|| Vec::<u8>::with_capacity(8)), 1);
    // A U-label host is converted to A-labels, which allocates.
    let pattern = MxPattern::new("*.xn--mx-lka.example").unwrap();
    assert!(allocations_in(|| pattern.matches("mail.møx.example")) > 0);
}

#[test]
fn match_mx_ascii_does_not_allocate() {
    let policy_5 = check_mtasts_policy(POLICY_5_LINES, 2);
    let policy_50 = check_mtasts_policy(&policy_50_mx(), POLICY_50_MX_COUNT);
    for policy in [&policy_5, &policy_50] {
        for host in ASCII_HOSTS {
            let count = allocations_in(|| policy.match_mx(host).is_some());
            assert_eq!(
                count,
                0,
                "match_mx({host:?}) on {} patterns",
                policy.mx().len()
            );
        }
    }
}

#[test]
fn pattern_matches_ascii_does_not_allocate() {
    let patterns = ["mail.example.com", "*.example.net", "*.pool49.example.net"];
    for text in patterns {
        let pattern = MxPattern::new(text).unwrap();
        for host in ASCII_HOSTS {
            let count = allocations_in(|| pattern.matches(host));
            assert_eq!(count, 0, "{text:?}.matches({host:?})");
        }
    }
}

#[test]
fn dns_id_ascii_does_not_allocate() {
    let dns_ids = ["mail.example.com", "*.example.net"];
    for host in ASCII_HOSTS {
        for dns_id in dns_ids {
            let count = allocations_in(|| dns_id_matches(dns_id, host));
            assert_eq!(count, 0, "dns_id_matches({dns_id:?}, {host:?})");
        }
        let count = allocations_in(|| certificate_matches(dns_ids, host));
        assert_eq!(count, 0, "certificate_matches({dns_ids:?}, {host:?})");
    }
}
