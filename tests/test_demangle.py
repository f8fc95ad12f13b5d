"""Rust legacy-mangled names -> paths; everything else untouched."""

import pytest

from mcusplit.demangle import demangle


@pytest.mark.parametrize("mangled, readable", [
    ("_ZN4rust7descend17h0123456789abcdefE", "rust::descend"),
    ("_ZN4core3fmt5write17h9d11738f009093d4E", "core::fmt::write"),
    ("_ZN40_$LT$T$u20$as$u20$core..fmt..Display$GT$3fmt17h0123456789abcdefE", "<T as core::fmt::Display>::fmt"),
    ("_ZN4core9panicking5panic17h00000000000000ffE", "core::panicking::panic"),
])
def test_rust_names(mangled, readable):
    assert demangle(mangled) == readable


@pytest.mark.parametrize("name", ["main", "descend", "_ZN3foo3barEv", "_ZN3fooE", "_ZN3foo3bar17hnothexnothexnotE",
                                  "_ZN99tooshortE", "_ZN", "_ZNE"])
def test_other_names_stay(name):
    assert demangle(name) == name
