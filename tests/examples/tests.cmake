# Example rule bases (examples/conflicts/*) and the synthetic country (examples/country):
# `loket check DIR --format json` must report exactly the findings in DIR/expected.json.
# Included from tests/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is tests/.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the examples tests are not registered")
  return()
endif()

set(LOKET_EXAMPLES_TESTS ${CMAKE_CURRENT_SOURCE_DIR}/examples)
set(LOKET_EXAMPLES_DIR ${PROJECT_SOURCE_DIR}/examples)
set(LOKET_COUNTRY_GENERATOR ${LOKET_EXAMPLES_DIR}/country/generate)

# The comparison itself, and the shape of every expected.json (no loket needed).
add_test(NAME examples.check_findings_selftest
  COMMAND ${Python3_EXECUTABLE} ${LOKET_EXAMPLES_TESTS}/check_findings_test.py)

# One test per conflict example, so a failure names the finding kind.
file(GLOB loket_conflict_examples LIST_DIRECTORIES true CONFIGURE_DEPENDS
  ${LOKET_EXAMPLES_DIR}/conflicts/*)
foreach(example_dir IN LISTS loket_conflict_examples)
  if(IS_DIRECTORY ${example_dir} AND EXISTS ${example_dir}/expected.json)
    get_filename_component(example_name ${example_dir} NAME)
    add_test(NAME examples.conflicts.${example_name}
      COMMAND ${Python3_EXECUTABLE} ${LOKET_EXAMPLES_TESTS}/check_findings.py
              --loket $<TARGET_FILE:loket_cli> ${example_dir})
  endif()
endforeach()

# The generator is deterministic per seed and plants every analysis kind.
add_test(NAME examples.country.deterministic
  COMMAND ${Python3_EXECUTABLE} ${LOKET_EXAMPLES_TESTS}/country_test.py deterministic
          --generator ${LOKET_COUNTRY_GENERATOR}
          --out ${CMAKE_CURRENT_BINARY_DIR}/examples-country-deterministic)

# A small country (10 municipalities): found == expected. No timing assertions; the full
# 342-municipality run with timing is examples/country/bench.sh.
add_test(NAME examples.country.small
  COMMAND ${Python3_EXECUTABLE} ${LOKET_EXAMPLES_TESTS}/country_test.py check
          --generator ${LOKET_COUNTRY_GENERATOR} --loket $<TARGET_FILE:loket_cli>
          --out ${CMAKE_CURRENT_BINARY_DIR}/examples-country-small --municipalities 10)
set_tests_properties(examples.country.small PROPERTIES TIMEOUT 900)

# With planted errors only the first failing stage reports: graph errors (L401, L402) stop
# the analysis, sema errors (L310-L312) stop the graph and the analysis.
foreach(stage graph sema)
  add_test(NAME examples.country.${stage}_errors
    COMMAND ${Python3_EXECUTABLE} ${LOKET_EXAMPLES_TESTS}/country_test.py check
            --generator ${LOKET_COUNTRY_GENERATOR} --loket $<TARGET_FILE:loket_cli>
            --out ${CMAKE_CURRENT_BINARY_DIR}/examples-country-${stage}-errors
            --municipalities 10 --errors ${stage})
endforeach()

# `ctest -L examples` runs all of the above.
get_property(loket_examples_tests DIRECTORY PROPERTY TESTS)
list(FILTER loket_examples_tests INCLUDE REGEX "^examples\\.")
set_tests_properties(${loket_examples_tests} PROPERTIES LABELS examples)
