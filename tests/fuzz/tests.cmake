# The fuzzers' corpora, kept in the repository, replayed as ordinary tests in the normal
# build (any compiler): each fuzz target is linked with replay_main.cpp instead of
# libFuzzer and runs every corpus file once. The libFuzzer builds are in CMakeLists.txt here
# (preset `fuzz`, clang); scripts/fuzz.sh runs them for a bounded time. Included from
# tests/CMakeLists.txt.
set(LOKET_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

function(loket_fuzz_replay name)
  cmake_parse_arguments(R "" "CORPUS" "SOURCES" ${ARGN})
  add_executable(${name}_replay ${LOKET_FUZZ_DIR}/replay_main.cpp ${R_SOURCES})
  target_include_directories(${name}_replay PRIVATE ${LOKET_FUZZ_DIR})
  target_link_libraries(${name}_replay PRIVATE loket_internal loket_sanitizers)
  add_test(NAME fuzz.replay.${name}
    COMMAND ${name}_replay ${LOKET_FUZZ_DIR}/${R_CORPUS}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

loket_fuzz_replay(parse_fuzzer CORPUS corpus SOURCES ${LOKET_FUZZ_DIR}/parse_fuzzer.cpp)
loket_fuzz_replay(case_fuzzer CORPUS corpus_case SOURCES ${LOKET_FUZZ_DIR}/case_fuzzer.cpp)
loket_fuzz_replay(batch_fuzzer CORPUS corpus_batch
  SOURCES ${LOKET_FUZZ_DIR}/batch_fuzzer.cpp)
# An input that once hung (yaml_leading_comma_hang) fails by timeout, not by waiting forever.
set_tests_properties(fuzz.replay.parse_fuzzer fuzz.replay.case_fuzzer fuzz.replay.batch_fuzzer
  PROPERTIES TIMEOUT 300)
