; Valid IR that LLVM's ARM backend cannot select: clang aborts with a fatal error.
target datalayout = "e-m:e-p:32:32-Fi8-i64:64-v128:64:128-a:0:32-n32-S64"
target triple = "thumbv7em-none-eabihf"

declare void @llvm.x86.sse2.pause()

define i32 @main() {
  call void @llvm.x86.sse2.pause()
  ret i32 0
}
