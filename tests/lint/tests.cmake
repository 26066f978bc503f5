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

# Diagnostic codes only in the registry (src/diag/kinds.def): no "L605" literal elsewhere.
if(Python3_Interpreter_FOUND)
  add_test(NAME lint.diagnostic_codes
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_diagnostic_codes.py ${PROJECT_SOURCE_DIR})
  add_test(NAME lint.diagnostic_codes.catches
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_diagnostic_codes.py ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_SOURCE_DIR}/lint/fixtures/code_literal.cpp)
  set_tests_properties(lint.diagnostic_codes.catches PROPERTIES
    PASS_REGULAR_EXPRESSION "code_literal.cpp:4: diagnostic code \"L605\" written out.*1 literal")
endif()
