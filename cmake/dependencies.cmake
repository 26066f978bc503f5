# Every dependency comes from a Debian 12 package; scripts/install-deps.sh installs them.
find_package(antlr4-runtime REQUIRED)
find_program(LOKET_ANTLR4 NAMES antlr4 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(simdjson REQUIRED)
find_package(Threads REQUIRED)
# SHA-256 of a rule base's files for decision receipts (libssl-dev): a well-kept implementation
# rather than one of our own.
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
# The HTTP service (`loket serve`): Debian's libcpp-httplib-dev, a compiled library with a
# pkg-config file and no CMake package.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# Debian's libz3-dev ships no CMake package.
find_path(Z3_INCLUDE_DIR z3++.h REQUIRED)
find_library(Z3_LIBRARY z3 REQUIRED)
add_library(loket_z3 INTERFACE)
target_include_directories(loket_z3 SYSTEM INTERFACE ${Z3_INCLUDE_DIR})
target_link_libraries(loket_z3 INTERFACE ${Z3_LIBRARY})

# The ANTLR runtime headers warn under our flags: include them as SYSTEM.
add_library(loket_antlr_runtime INTERFACE)
target_include_directories(loket_antlr_runtime SYSTEM INTERFACE ${ANTLR4_INCLUDE_DIR})
target_link_libraries(loket_antlr_runtime INTERFACE antlr4_shared)

if(LOKET_BUILD_TESTS)
  find_package(Catch2 REQUIRED)
endif()
if(LOKET_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
