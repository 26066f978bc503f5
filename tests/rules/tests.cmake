# The real rule base (rules/): it must check clean (no errors, no warnings), every test
# suite in rules/tests must pass and every rule must fire in some test. Included from
# tests/CMakeLists.txt.
add_test(NAME rules.check
  COMMAND $<TARGET_FILE:loket_cli> check ${PROJECT_SOURCE_DIR}/rules --color never)
set_tests_properties(rules.check PROPERTIES
  FAIL_REGULAR_EXPRESSION "[1-9][0-9]* errors?[,:]|[1-9][0-9]* warnings?")

add_test(NAME rules.test
  COMMAND $<TARGET_FILE:loket_cli> test ${PROJECT_SOURCE_DIR}/rules --require-coverage
          --color never)

# The council overview renders for every municipality in the rule base: exit code 0 and the
# section on local variants (expect.py checks both; PASS_REGULAR_EXPRESSION alone would ignore
# the exit code).
foreach(municipality westland amstelveen amsterdam rotterdam den_haag)
  add_test(NAME rules.doc.${municipality}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/cli/expect.py --exit 0
            --stdout "^## What differs from the national default"
            -- $<TARGET_FILE:loket_cli> doc ${PROJECT_SOURCE_DIR}/rules
            --municipality ${municipality} --on 2025-06-01)
endforeach()
