; A variadic function marked "split-stack": LLVM alone would abort
; ("Segmented stacks do not support vararg functions"); mcusplit opts it out.
target datalayout = "e-m:e-p:32:32-Fi8-i64:64-v128:64:128-a:0:32-n32-S64"
target triple = "thumbv7em-none-eabihf"

define i32 @first(i32 %n, ...) #0 {
  ret i32 %n
}

define i32 @main() #0 {
  %r = call i32 (i32, ...) @first(i32 0, i32 1, i32 2)
  ret i32 %r
}

attributes #0 = { nounwind "split-stack" }
