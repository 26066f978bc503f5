# Warnings for loket's own targets only (linked PRIVATE); never forced on consumers.
add_library(loket_warnings INTERFACE)
target_compile_options(loket_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough>
  $<$<AND:$<BOOL:${LOKET_WARNINGS_AS_ERRORS}>,$<CXX_COMPILER_ID:GNU,Clang>>:-Werror>)
