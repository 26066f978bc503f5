# The HTTP service (src/serve) end to end: servers started by the tests on free loopback ports
# and stopped by them. `serve.load` is the bounded load and soak test (about 20 s).
add_executable(loket_serve_tests
  ${CMAKE_CURRENT_LIST_DIR}/serve_test.cpp ${CMAKE_CURRENT_LIST_DIR}/limits_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../unit/main.cpp)
target_link_libraries(loket_serve_tests PRIVATE loket_serve loket_warnings loket_sanitizers
  nlohmann_json::nlohmann_json Catch2::Catch2)
target_compile_definitions(loket_serve_tests PRIVATE LOKET_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(loket_serve_tests WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  TEST_PREFIX "serve." PROPERTIES TIMEOUT 300)

# `loket serve` and `loket replay` as processes (signals, exit codes, log rotation).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME serve.process
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/serve_process_test.py
            $<TARGET_FILE:loket_cli> ${PROJECT_SOURCE_DIR})
  set_tests_properties(serve.process PROPERTIES TIMEOUT 300)
endif()
