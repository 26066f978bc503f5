# Architecture lint: stage include discipline and the public headers' purity.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME lint.layering
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_layering.py ${PROJECT_SOURCE_DIR})
endif()

# Public headers name no internals (compile::, sema::, ...; internal:: only where users cannot
# reach it), and the check itself catches a header that does.
if(Python3_Interpreter_FOUND)
  add_test(NAME lint.public_headers
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_public_headers.py ${PROJECT_SOURCE_DIR})
  add_test(NAME lint.public_headers.catches
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_public_headers.py ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_SOURCE_DIR}/lint/fixtures/leaky_header.h)
  set_tests_properties(lint.public_headers.catches PROPERTIES
    PASS_REGULAR_EXPRESSION "leaky_header.h:11: names `internal::`.*leaky_header.h:12: names the internal namespace `compile::`.*2 problem")
endif()
