# Install into a scratch prefix and build consumer projects against the installed package.
# A sanitized library needs consumers linked with the same runtime (first in the load
# order), or the process crashes before main: run.sh passes these link flags on.
set(loket_consumer_link_flags "")
if(LOKET_SANITIZE)
  set(loket_consumer_link_flags "-fsanitize=${LOKET_SANITIZE}")
endif()
add_test(NAME package.find_package_consumer
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/run.sh ${PROJECT_BINARY_DIR}
          ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/package-test "${loket_consumer_link_flags}")
set_tests_properties(package.find_package_consumer PROPERTIES TIMEOUT 600)
