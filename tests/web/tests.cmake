# The web desk in a real browser (web/tests/desk.test.mjs): Debian's chromium driven by
# playwright-core against a `loket serve rules/` the test starts on a free loopback port,
# with the bundle scripts/build.sh builds into build/web. Skipped (exit 77, shown as "Not
# Run" / skipped) only when chromium, node's packages or the bundle are absent.
find_program(LOKET_NODE node)
if(LOKET_NODE)
  add_test(NAME web.desk
    COMMAND ${LOKET_NODE} ${PROJECT_SOURCE_DIR}/web/tests/desk.test.mjs
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(web.desk PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 600
    RUN_SERIAL TRUE
    ENVIRONMENT "LOKET_BIN=$<TARGET_FILE:loket_cli>;LOKET_WEB=${PROJECT_BINARY_DIR}/web;LOKET_SCREENSHOTS=${PROJECT_BINARY_DIR}/web-test-screenshots")
else()
  add_test(NAME web.desk COMMAND ${CMAKE_COMMAND} -E echo "SKIP web desk tests: node is not installed")
  set_tests_properties(web.desk PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP")
endif()
