# Options default to "on" when loket is the top-level project, "off" when it is a subproject.
string(COMPARE EQUAL "${CMAKE_SOURCE_DIR}" "${PROJECT_SOURCE_DIR}" LOKET_IS_TOP_LEVEL)

option(BUILD_SHARED_LIBS "Build loket as a shared library" ON)
option(LOKET_BUILD_TESTS "Build the test suite" ${LOKET_IS_TOP_LEVEL})
option(LOKET_BUILD_BENCHMARKS "Build the Google Benchmark programs" ${LOKET_IS_TOP_LEVEL})
option(LOKET_BUILD_FUZZERS "Build libFuzzer targets (needs clang)" OFF)
option(LOKET_WARNINGS_AS_ERRORS "Treat warnings on loket's own targets as errors" OFF)
set(LOKET_SANITIZE "" CACHE STRING "Sanitizers for loket's targets, e.g. address,undefined")
