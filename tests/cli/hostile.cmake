# The hostile-input matrix of issue 11: careless and hostile input must never lose the user's
# data, be accepted when ambiguous, or make loket work without bound. Each test names the
# item it guards. Scenarios that need signals, links, other users or memory figures run
# through hostile.py; the rest through expect.py (see tests.cmake). Included from tests.cmake.
set(H ${F}/hostile)
set(LOKET_HOSTILE_WORK ${CMAKE_CURRENT_BINARY_DIR}/hostile_work)

function(loket_hostile_test scenario)
  add_test(NAME cli.hostile.${scenario}
    COMMAND ${Python3_EXECUTABLE} ${LOKET_CLI_TEST_DIR}/hostile.py ${scenario}
            $<TARGET_FILE:loket_cli> ${LOKET_HOSTILE_WORK}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# 1. --out is written atomically; SIGINT/SIGTERM leave the old file and no temporary one.
loket_hostile_test(interrupt_sigint)
loket_hostile_test(interrupt_sigterm)
loket_hostile_test(out_replaced_whole)
loket_hostile_test(out_not_regular)
loket_hostile_test(concurrent_writers)
# 2. rules, jurisdiction, date and input are checked before --out is touched.
loket_hostile_test(validate_before_output)
# 3. --out that is the input (same name, symlink, hard link) is refused.
loket_hostile_test(out_is_input)
# 4. a failed write to stdout is exit 2 with the OS's reason, for every command.
foreach(command_case
    "check\;${F}/desk\;--no-analysis"
    "test\;${F}/desk"
    "doc\;${F}/desk\;-m\;westland"
    "graph\;${F}/desk\;-m\;westland\;--no-analysis"
    "eval\;${F}/desk\;-m\;westland\;--on\;2025-03-01\;${F}/holder.yaml"
    "eval\;${F}/desk\;-m\;westland\;--on\;2025-03-01\;--cases\;${F}/cases_valid.jsonl")
  list(GET command_case 0 command_name)
  string(FIND "${command_case}" "--cases" is_batch)
  if(NOT is_batch EQUAL -1)
    set(command_name eval_batch)
  endif()
  loket_cli_test(hostile.stdout_full_${command_name}
    EXPECT --exit 2 --stdout-to /dev/full --stderr [=[cannot write .*: No space left on device]=]
    COMMAND ${command_case})
endforeach()
# 5. an unreadable subfolder, a dangling *.loket symlink and a symlink loop stop the command.
loket_hostile_test(unreadable_subfolder)
loket_hostile_test(dangling_symlink)
loket_hostile_test(symlink_loop)

# 6. a fact given twice, a second YAML document, a jurisdiction field given twice.
loket_cli_test(hostile.duplicate_fact_yaml
  EXPECT --exit 1
         --stderr [=[dup_fact\.yaml:3:1: error\[L611\]: fact `age` is given twice, at line 1 and at line 3]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/dup_fact.yaml --color never)
loket_cli_test(hostile.duplicate_fact_json
  EXPECT --exit 1
         --stderr [=[dup_fact\.json:3:3: error\[L611\]: fact `age` is given twice, at line 1, column 2 and at line 3, column 2]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/dup_fact.json --color never)
loket_cli_test(hostile.second_yaml_document
  EXPECT --exit 1 --stderr [=[two_documents\.yaml:4:1: error\[L611\]: the file holds more than one YAML document]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/two_documents.yaml --color never)
loket_cli_test(hostile.duplicates_in_batch_records
  EXPECT --exit 1
         --jsonl [=[d[0]["record"] == 1 and "jurisdiction field `municipality` is given twice, at column 2 and at column 70" in d[0]["errors"][0]["message"]]=]
         --jsonl [=[d[1]["record"] == 2 and "fact `age` is given twice" in d[1]["errors"][0]["message"]]=]
         --stderr [=[records: 2, decided: 0, errors: 2]=]
  COMMAND eval ${F}/desk --jurisdiction-field municipality --on 2025-03-01
          --cases ${H}/batch_duplicates.jsonl)
# 7. an empty value and an option where a value belongs are usage errors.
# (CMake cannot pass an empty argument: hostile.py does.)
loket_hostile_test(empty_values)
loket_cli_test(hostile.option_as_value
  EXPECT --exit 2 --stderr [=[option -m needs a value. `--on` is an option]=]
  COMMAND eval ${F}/desk -m --on 2025-06-01 ${F}/holder.yaml)
# 8. a number beyond 64 bits is out of range (L603); a case nested too deeply names the limit.
loket_cli_test(hostile.integer_overflow_is_out_of_range
  EXPECT --exit 1
         --stderr [=[error\[L603\]: fact `age` = 9223372036854775808 is outside its range 0\.\.130]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/age_overflow.json --color never)
string(REPEAT "[" 600 cli_open)
string(REPEAT "]" 600 cli_close)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/cli_deep_case.yaml "age: ${cli_open}${cli_close}\n")
loket_cli_test(hostile.deep_yaml_case
  EXPECT --exit 1 --stderr [=[error\[L611\]: the case is nested more than 499 levels deep]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${CMAKE_CURRENT_BINARY_DIR}/cli_deep_case.yaml
          --color never)
# 9. case files in any case of extension; JSON Lines and folders of cases are not rules; a
# byte order mark before the first record.
loket_cli_test(hostile.case_extension_any_case
  EXPECT --exit 0 --stdout [=[^  integration_duty = true$]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/Holder.YAML)
loket_cli_test(hostile.jsonl_given_as_case
  EXPECT --exit 2 --stderr [=[`tests/cli/fixtures/cases\.jsonl` is JSON Lines .*: use --cases]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/cases.jsonl)
loket_cli_test(hostile.case_folder_given
  EXPECT --exit 2 --stderr [=[`tests/cli/fixtures/hostile/case_folder` is a folder of cases, not rules]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/case_folder)
loket_cli_test(hostile.jsonl_byte_order_mark
  EXPECT --exit 0 --jsonl [=[len(d) == 2 and d[0]["integration_duty"] is True]=]
         --stderr [=[records: 2, decided: 2, errors: 0]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${H}/bom.jsonl)
# 10. jurisdiction names: \u escapes decoded, invalid UTF-8 still gives valid JSON records,
# and unknown names do not accumulate.
loket_cli_test(hostile.jurisdiction_field_names
  EXPECT --exit 1 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_names.jsonl
         --file-jsonl [=[d[0]["integration_duty"] is True]=]
         --file-jsonl [=[d[1]["record"] == 2 and d[1]["errors"][0]["code"] == "L607" and "\ufffd" in d[1]["errors"][0]["message"]]=]
  COMMAND eval ${F}/desk --jurisdiction-field municipality --on 2025-03-01
          --cases ${H}/batch_names.jsonl --out ${CMAKE_CURRENT_BINARY_DIR}/cli_names.jsonl)
loket_hostile_test(many_unknown_jurisdictions)
# 11. an unknown command is named, with the closest one and the list.
loket_cli_test(hostile.unknown_command
  EXPECT --exit 2
         --stderr [=[unknown command `chek`. did you mean `check`\? \(commands: check, eval, test]=]
  COMMAND chek ${F}/desk)
# 12. "did you mean" stays linear for a 1 MB name.
loket_hostile_test(long_identifier)
# 13. YAML aliases ("billion laughs") in a test suite are refused.
loket_hostile_test(suite_aliases)
# 5 and 14 for `loket test`: a dangling, looping or unreadable suite (or suite folder) is
# exit 2 naming it; failures and errors are capped by --error-limit.
loket_hostile_test(suite_folder_problems)
loket_hostile_test(suite_error_cap)
# 14. at most 50 errors (--error-limit), long lines windowed, a huge case value not echoed.
loket_hostile_test(error_cap)
loket_hostile_test(huge_json_case)
# 15. parsing a long `and` chain takes memory in proportion to the file.
loket_hostile_test(long_chain_memory)
# 16. an unknown or cyclic `under` is reported once, without L308 for every name it hides.
loket_cli_test(hostile.unknown_parent_no_cascade
  EXPECT --exit 1 --json [=[[x["code"] for x in d] == ["L301"]]=]
  COMMAND check ${H}/unknown_parent --no-analysis --format json)
loket_cli_test(hostile.layer_cycle_no_cascade
  EXPECT --exit 1 --json [=[sorted(set(x["code"] for x in d)) == ["L303"]]=]
  COMMAND check ${H}/layer_cycle --no-analysis --format json)
# Found by the batch fuzzer: a bad literal (`nul`) threw out of the JSON reader and ended
# the whole batch (exit 2, "internal error"); it is one record's L611.
loket_cli_test(hostile.bad_json_literal_is_one_record
  EXPECT --exit 1 --jsonl [=[len(d) == 3 and d[1]["record"] == 2 and d[1]["errors"][0]["code"] == "L611"]=]
         --jsonl [=[d[0]["integration_duty"] is True and d[2]["integration_duty"] is False]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${H}/nul_token.jsonl)
# Found by the case fuzzer: yaml-cpp 0.7 never returns on a document that starts with a
# bare `,`; loket eval hung on such a case file. It is refused before yaml-cpp sees it.
loket_cli_test(hostile.leading_comma_yaml_case
  EXPECT --exit 1 --stderr [=[leading_comma\.yaml:2:1: error\[L611\]: the case is not valid YAML: a `,` outside brackets]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/leading_comma.yaml --color never)
# The same shape in a test suite hung `loket test` (its suites were read by yaml-cpp alone).
# Case files are now read by loket's own reader of the YAML subset (eval/yaml_subset.h),
# suites reach yaml-cpp only after it has accepted them; tags and anchors are refused.
loket_cli_test(hostile.leading_comma_yaml_suite
  EXPECT --exit 1 --stdout [=[leading_comma_suite\.yaml:2:1: error\[L702\]: not valid YAML: a `,` outside brackets]=]
  COMMAND test ${F}/desk ${H}/leading_comma_suite.yaml --no-coverage-warnings --color never)
loket_cli_test(hostile.yaml_tag_case
  EXPECT --exit 1 --stderr [=[tag_case\.yaml:2:12: error\[L611\]: the case is not valid YAML: YAML tags]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${H}/tag_case.yaml --color never)
set_tests_properties(cli.hostile.leading_comma_yaml_case cli.hostile.leading_comma_yaml_suite
  PROPERTIES TIMEOUT 120)
