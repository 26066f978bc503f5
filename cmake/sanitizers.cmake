# -DLOKET_SANITIZE=address,undefined (see the `asan` preset) instruments loket's targets.
add_library(loket_sanitizers INTERFACE)
if(LOKET_SANITIZE)
  target_compile_options(loket_sanitizers INTERFACE -fsanitize=${LOKET_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(loket_sanitizers INTERFACE -fsanitize=${LOKET_SANITIZE})
endif()
