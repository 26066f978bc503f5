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

# The council overview renders for every municipality in the rule base.
foreach(municipality westland amstelveen amsterdam rotterdam den_haag)
  add_test(NAME rules.doc.${municipality}
    COMMAND $<TARGET_FILE:loket_cli> doc ${PROJECT_SOURCE_DIR}/rules
            --municipality ${municipality} --on 2025-06-01)
  set_tests_properties(rules.doc.${municipality} PROPERTIES
    PASS_REGULAR_EXPRESSION "## What differs from the national default")
endforeach()
