# Install into a scratch prefix and build consumer projects against the installed package.
add_test(NAME package.find_package_consumer
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/run.sh ${PROJECT_BINARY_DIR}
          ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/package-test)
set_tests_properties(package.find_package_consumer PROPERTIES TIMEOUT 600)
