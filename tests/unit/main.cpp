// The unit tests' main: Catch2's, except that a run that tested nothing fails. Catch2 v2
// passes when a test name matches no test case (as a name that ctest split at a `;` did) and
// when a test case asserts nothing; and its `--warn` option can be given only once. So both
// warnings are switched on here, for every run of the binary, ctest's and by hand.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::Session session;
  const int status = session.applyCommandLine(argc, argv);
  if (status != 0) return status;
  Catch::ConfigData& config = session.configData();
  config.warnings = static_cast<Catch::WarnAbout::What>(
      config.warnings | Catch::WarnAbout::NoAssertions | Catch::WarnAbout::NoTests);
  return session.run();
}
