#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mtasts_fuzz::report_input(data));
