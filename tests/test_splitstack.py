"""Which functions get a prologue, and the attribute rewrite in textual IR."""

from __future__ import annotations

from mcusplit.codegen import splitstack
from mcusplit.codegen.splitstack import ModuleFacts, core_arg_words

IR = """
target triple = "thumbv7em-unknown-unknown-eabihf"

define dso_local i32 @plain(i32 noundef %0) local_unnamed_addr #0 !dbg !10 {
  ret i32 %0
}

define dso_local i32 @opted(i32 noundef %0) local_unnamed_addr #1 {
  ret i32 %0
}

define dso_local i32 @in_section(i32 %0) #0 section ".text.no_split_stack.x" {
  ret i32 %0
}

define dso_local i32 @va(i32 %0, ...) #0 {
  ret i32 %0
}

define dso_local i32 @"quoted name"(ptr byval([4 x i32]) %0) #0 {
  ret i32 0
}

attributes #0 = { nounwind "split-stack" "target-cpu"="cortex-m4" }
attributes #1 = { nounwind "target-cpu"="cortex-m4" }

!10 = distinct !DISubprogram(name: "plain", scope: !11, file: !11, line: 42, type: !12)
!11 = !DIFile(filename: "demo.c", directory: "/src")
"""


def facts(**overrides):
    base = {name: ModuleFacts(name, False, False, [("i32", [])], [], False)
            for name in ("plain", "opted", "in_section", "va", "quoted name")}
    base["va"].vararg = True
    base.update(overrides)
    return base


def decisions(plans):
    return {p.name: (p.split, p.reason) for p in plans}


def test_plan_honours_clang_attribute_section_config_and_varargs():
    plans, notes, errors = splitstack.plan(IR, facts(), "demo.c", lambda name: name == "quoted name")
    assert not errors
    d = decisions(plans)
    assert d["plain"] == (True, "split")
    assert d["opted"] == (False, "no_split_stack attribute")
    assert d["in_section"][0] is False and "section" in d["in_section"][1]
    assert d["va"] == (False, "variadic")
    assert d["quoted name"] == (False, "no_split_stack in mcusplit.toml")
    assert len(notes) == 1 and "variadic" in notes[0].message
    assert next(p for p in plans if p.name == "plain").source == "demo.c:42"


def test_module_without_any_split_stack_gets_it_everywhere():
    text = IR.replace(' "split-stack"', "")
    plans, _, _ = splitstack.plan(text, facts(), "x.ll", lambda name: False)
    assert decisions(plans)["opted"] == (True, "split")          # no attribute anywhere: add it
    assert decisions(plans)["va"] == (False, "variadic")


def test_dynamic_alloca_is_an_error_with_its_line():
    text = IR + '!20 = !DILocation(line: 7, column: 3, scope: !10)\n'
    f = facts(plain=ModuleFacts("plain", False, False, [("i32", [])], [20], False))
    _, _, errors = splitstack.plan(text, f, "demo.c", lambda name: False)
    assert len(errors) == 1
    assert errors[0].where == "demo.c:7" and "variable-sized" in errors[0].message


def test_nest_argument_is_refused():
    f = facts(plain=ModuleFacts("plain", False, False, [("ptr", ["nest"])], [], True))
    _, _, errors = splitstack.plan(IR, f, "demo.c", lambda name: False)
    assert errors and "r12" in errors[0].message


def test_apply_moves_functions_between_attribute_groups():
    plans, _, _ = splitstack.plan(IR, facts(), "demo.c", lambda name: name == "plain")
    out = splitstack.apply(IR, plans, "thumbv7em-unknown-linux-gnueabihf")
    assert 'target triple = "thumbv7em-unknown-linux-gnueabihf"' in out
    groups = {d.name: d.attr_group for d in splitstack.parse_defines(out)}
    bodies = {int(line.split("#")[1].split()[0]): line for line in out.splitlines()
              if line.startswith("attributes #")}
    split_of = {name: '"split-stack"' in bodies[g] for name, g in groups.items()}
    assert split_of == {"plain": False, "opted": False, "in_section": False, "va": False,
                        "quoted name": True}


def test_core_arg_words():
    assert core_arg_words([("i32", []), ("ptr", [])]) == 2
    assert core_arg_words([("i32", []), ("i64", [])]) == 4          # i64 goes to r2:r3
    assert core_arg_words([("i64", []), ("i32", [])]) == 3
    assert core_arg_words([("[2 x i32]", [])]) == 2
    assert core_arg_words([("ptr", ["byval([4 x i32])"])]) == 4       # unsure: all of them
    assert core_arg_words([("<4 x i32>", [])]) == 4
    assert core_arg_words([("i32", [])] * 6) == 4
