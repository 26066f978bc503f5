# The migrant-desk workload end to end through the CLI, with in-repository data only (the
# project's port of the case generator and the committed reference CHECKSUM line), so it runs
# on any clone. examples/bench/migrant-desk/run.sh compares with the shared reference itself
# and measures (docs/benchmarks.md). Included from tests/CMakeLists.txt.
add_executable(write_migrant_desk_cases ${CMAKE_CURRENT_LIST_DIR}/write_migrant_desk_cases.cpp)
target_link_libraries(write_migrant_desk_cases PRIVATE loket::loket loket_warnings)
add_test(NAME bench.migrant_desk.checksum
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/checksum_test.py
          $<TARGET_FILE:write_migrant_desk_cases> $<TARGET_FILE:loket_cli> ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/migrant-desk-2000-42)
