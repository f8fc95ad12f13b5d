//! The mcusplit runtime, seen from Rust: the console, the pool's counters, exit.

use core::panic::PanicInfo;

/// `struct mcusplit_stats` (firmware/include/mcusplit.h).
#[repr(C)]
#[derive(Default)]
pub struct Stats {
    pub version: u32,
    pub seg_size: u32,
    pub seg_count: u32,
    pub in_use: u32,
    pub hwm: u32,
    pub splits: u32,
    pub overflows: u32,
}

unsafe extern "C" {
    fn mcusplit_putc(c: u8);
    fn mcusplit_puts(s: *const u8);
    fn mcusplit_stats_read(out: *mut Stats);
    fn mcusplit_exit(code: i32) -> !;
}

pub fn stats() -> Stats {
    let mut s = Stats::default();
    unsafe { mcusplit_stats_read(&mut s) };
    s
}

// Printing without core::fmt: its formatters call through `dyn Write` tables, which the analyzer
// would ask targets for ([analyze.indirect]); numbers and text are all this demo prints.
pub enum Out<'a> {
    Text(&'a str),
    Dec(u32),
    Hex(u32),
}

pub fn print(parts: &[Out]) {
    for part in parts {
        match *part {
            Out::Text(s) => s.bytes().for_each(putc),
            Out::Dec(mut v) => {
                let mut digits = [0u8; 10];
                let mut n = 0;
                loop {
                    digits[n] = b'0' + (v % 10) as u8;
                    n += 1;
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
                digits[..n].iter().rev().for_each(|&d| putc(d));
            }
            Out::Hex(v) => (0..8).rev().for_each(|i| putc(b"0123456789abcdef"[(v >> (i * 4)) as usize & 15])),
        }
    }
}

fn putc(c: u8) {
    unsafe { mcusplit_putc(c) }
}

// Straight to the C console: a handler that called print() (which may itself panic on a bounds
// check) would make the call graph a cycle the analyzer must be given a bound for.
#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    unsafe {
        mcusplit_puts(c"panic\n".as_ptr().cast());
        mcusplit_exit(101)
    }
}
