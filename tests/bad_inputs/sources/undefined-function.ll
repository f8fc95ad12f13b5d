declare i32 @missing_everywhere(i32)

define i32 @main() {
entry:
  %r = call i32 @missing_everywhere(i32 1)
  ret i32 %r
}
