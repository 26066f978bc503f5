# Architecture lint: stage include discipline and the public headers' purity.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME lint.layering
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lint/check_layering.py ${PROJECT_SOURCE_DIR})
endif()
