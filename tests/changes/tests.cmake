# Amendments of the bundled rule base (examples/changes/*): each is applied to a copy of
# rules/ under the build folder and must check as its expected.json says (clean, or the named
# new finding), with the rule suites it updates passing, and `loket diff` must report what
# expected.json says changes for whom. Included from tests/CMakeLists.txt,
# so CMAKE_CURRENT_SOURCE_DIR is tests/.
find_package(Python3 COMPONENTS Interpreter)
find_program(LOKET_PATCH_PROGRAM patch)
if(NOT Python3_Interpreter_FOUND OR NOT LOKET_PATCH_PROGRAM)
  message(WARNING "python3 or patch not found: the changes tests are not registered")
  return()
endif()

set(LOKET_CHANGES_DRIVER ${CMAKE_CURRENT_SOURCE_DIR}/changes/run_example.py)
file(GLOB loket_change_examples LIST_DIRECTORIES true CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/examples/changes/*)
foreach(example_dir IN LISTS loket_change_examples)
  if(IS_DIRECTORY ${example_dir} AND EXISTS ${example_dir}/amendment.patch)
    get_filename_component(example_name ${example_dir} NAME)
    # The amendment applies, checks as expected and its updated suites pass.
    add_test(NAME changes.${example_name}
      COMMAND ${Python3_EXECUTABLE} ${LOKET_CHANGES_DRIVER} --loket $<TARGET_FILE:loket_cli>
              --work ${CMAKE_CURRENT_BINARY_DIR}/changes/${example_name} ${example_dir})
    set_tests_properties(changes.${example_name} PROPERTIES LABELS changes)
    # `loket diff` reports what expected.json says changes for whom. It runs without a
    # wall-clock limit (see run_example.py); 15-40 s with the check and the suites on a busy
    # 2-core machine, bounded by the solver's resource limit per query.
    add_test(NAME changes.${example_name}.diff
      COMMAND ${Python3_EXECUTABLE} ${LOKET_CHANGES_DRIVER} --loket $<TARGET_FILE:loket_cli>
              --work ${CMAKE_CURRENT_BINARY_DIR}/changes/${example_name}.diff --diff ${example_dir})
    set_tests_properties(changes.${example_name}.diff PROPERTIES LABELS changes TIMEOUT 1800)
  endif()
endforeach()

# The population generator (examples/changes/population): deterministic per seed, every
# record decided by rules/, and holding the people the amendments are about.
add_test(NAME changes.population
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/changes/population_test.py
          --loket $<TARGET_FILE:loket_cli> --work ${CMAKE_CURRENT_BINARY_DIR}/changes/population
          --records 400)
set_tests_properties(changes.population PROPERTIES LABELS changes)

# `loket diff git:REV[:PATH]` in a git repository the test makes (two commits: rules/, then
# rules/ with examples/changes/02).
find_program(LOKET_GIT_PROGRAM git)
if(LOKET_GIT_PROGRAM)
  add_test(NAME changes.git_revisions
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/changes/git_revision_test.py
            --loket $<TARGET_FILE:loket_cli> --work ${CMAKE_CURRENT_BINARY_DIR}/changes/git)
  set_tests_properties(changes.git_revisions PROPERTIES LABELS changes TIMEOUT 1800)
else()
  message(WARNING "git not found: changes.git_revisions is not registered")
endif()
