//! Split stacks in Rust: a no_std crate built by `mcusplit build` (rustc bitcode, fat LTO with
//! `core`, split-stack prologues from mcusplit's code generator) on the same runtime as C.
//!
//! Deep recursion with a live buffer per level (many segments deep and back), floats passed and
//! returned through function pointers (hard-float registers across a split), more than four
//! arguments (stack-passed, copied by __morestack), and a function opted out by its section.
//! Output: result lines, identical with and without split stacks, then '#' lines with the pool's
//! watermarks (which differ).
#![no_std]
#![no_main]

mod runtime;

use runtime::{Out, print, stats};

const DEPTH: u32 = 40;

#[inline(never)]
fn descend(level: u32, seed: u32, deepest: &mut u32, at_bottom: &mut u32) -> u32 {
    let mut buf = [0u32; 16];
    for (i, slot) in buf.iter_mut().enumerate() {
        *slot = seed.wrapping_mul(2_654_435_761).wrapping_add(level + i as u32);
    }
    *deepest = (*deepest).max(level);
    let below = if level < DEPTH {
        descend(level + 1, buf[(level % 16) as usize], deepest, at_bottom)
    } else {
        *at_bottom = stats().in_use;           // the chain of segments is longest here
        0
    };
    buf.iter().enumerate().fold(below, |sum, (i, v)| sum ^ (v >> (i & 7)))
}

// Floats through function pointers, with more arguments than registers hold.
type Stage = fn(f32, f32, u32, u32, u32, u32, u32) -> f32;

#[inline(never)]
fn scale(x: f32, k: f32, a: u32, b: u32, c: u32, d: u32, e: u32) -> f32 {
    let mut pad = [0.0f32; 120];               // 480 bytes: splits whenever less than that is left
    for (i, p) in pad.iter_mut().enumerate() {
        *p = x * k + i as f32;
    }
    pad[(a + b + c + d + e) as usize % 120] - (i32::try_from(e).unwrap_or(0) as f32)
}

#[inline(never)]
fn smooth(x: f32, k: f32, a: u32, b: u32, c: u32, d: u32, e: u32) -> f32 {
    (x + k) * 0.5 + (a ^ b ^ c ^ d ^ e) as f32
}

#[inline(never)]
fn chain(stages: &[Stage], x: f32, depth: u32) -> f32 {
    let mut v = x;
    for (i, stage) in stages.iter().enumerate() {
        v = stage(v, 1.25 + i as f32, depth, 1, 2, 3, i as u32);
    }
    if depth == 0 { v } else { chain(stages, v * 0.75, depth - 1) }
}

// No prologue: a section whose name contains "no_split_stack" opts a function out (as in C).
#[unsafe(link_section = ".text.no_split_stack.checksum")]
#[inline(never)]
fn checksum(values: &[u32]) -> u32 {
    values.iter().fold(0x811c_9dc5, |h, v| (h ^ v).wrapping_mul(0x0100_0193))
}

#[unsafe(no_mangle)]
pub extern "C" fn main() -> i32 {
    let (mut deepest, mut at_bottom) = (0, 0);
    let result = descend(1, 12345, &mut deepest, &mut at_bottom);
    print(&[Out::Text("rust: result="), Out::Hex(result), Out::Text(" depth="), Out::Dec(deepest), Out::Text("\n")]);
    let stages: [Stage; 2] = [scale, smooth];
    let f = chain(&stages, 3.0, 12);
    print(&[Out::Text("rust: chain="), Out::Hex(f.to_bits()), Out::Text("\n")]);
    let sum = checksum(&[result, f.to_bits(), deepest]);
    print(&[Out::Text("rust: checksum="), Out::Hex(sum), Out::Text("\n")]);
    let now = stats();
    print(&[Out::Text("# rust: at depth "), Out::Dec(deepest), Out::Text(": "), Out::Dec(at_bottom),
            Out::Text(" segments in use; after: "), Out::Dec(now.in_use), Out::Text(" in use, high-water mark "),
            Out::Dec(now.hwm), Out::Text(", "), Out::Dec(now.splits), Out::Text(" splits\n")]);
    if now.in_use == 0 { 0 } else { 1 }
}
