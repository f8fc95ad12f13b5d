define i32 @main() {
entry:
  %x = frobnicate i32 1, 2
  ret i32 %x
}
