# Behaviour of the `loket` command: help and version, exit codes, diagnostics as text and
# JSON, single-case and batch evaluation, the test runner and bench. Each test runs the built
# CLI from the repository root on tests/cli/fixtures through expect.py, which checks the exit
# code, regular expressions on stdout/stderr and JSON facts. Included from tests/CMakeLists.txt.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
set(LOKET_CLI_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})
set(F tests/cli/fixtures)

# loket_cli_test(NAME EXPECT <expect.py options> COMMAND <loket arguments>)
# Patterns are CMake list elements: write `.` for a `;` and keep [ ] balanced (or use \x5b).
function(loket_cli_test name)
  cmake_parse_arguments(T "" "" "EXPECT;COMMAND" ${ARGN})
  add_test(NAME cli.${name}
    COMMAND ${Python3_EXECUTABLE} ${LOKET_CLI_TEST_DIR}/expect.py ${T_EXPECT}
            -- $<TARGET_FILE:loket_cli> ${T_COMMAND}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# --- help, version, usage --------------------------------------------------------------------
loket_cli_test(help
  EXPECT --exit 0 --stdout [=[Usage: loket]=] --stdout [=[check +Check a rule base]=]
         --stdout [=[eval +Decide cases]=] --stdout [=[test +Run YAML]=]
         --stdout [=[bench +Measure]=] --stdout [=[2 +loket could not run]=]
  COMMAND --help)
loket_cli_test(version EXPECT --exit 0 --stdout [=[^loket [0-9]+\.[0-9]+\.[0-9]+$]=]
  COMMAND --version)
loket_cli_test(check_help EXPECT --exit 0 --stdout [=[--format]=] --stdout [=[--no-analysis]=]
  COMMAND check --help)
loket_cli_test(eval_help EXPECT --exit 0 --stdout [=[--jurisdiction-field]=] --stdout [=[--why-not]=]
  COMMAND eval --help)
loket_cli_test(no_subcommand EXPECT --exit 2 --stderr [=[subcommand is required]=] COMMAND)
loket_cli_test(unknown_option EXPECT --exit 2 --stderr [=[--bogus]=] COMMAND check --bogus ${F}/desk)
loket_cli_test(bad_format
  EXPECT --exit 2 --stderr [=[--format: xml not in \{text,json\}]=] --not-stdout [=[checked]=]
  COMMAND check ${F}/desk --format xml)

# --- check -------------------------------------------------------------------------------------
loket_cli_test(check_clean
  EXPECT --exit 0 --stdout [=[^checked 2 files, 2 layers, 3 rules: 0 errors, 0 warnings$]=]
  COMMAND check ${F}/desk --color never)
loket_cli_test(check_no_analysis EXPECT --exit 0 --stdout [=[0 errors]=]
  COMMAND check ${F}/desk --no-analysis)
loket_cli_test(check_missing_folder
  EXPECT --exit 2 --stderr [=[loket: error: no such file or folder: `tests/cli/fixtures/nowhere`]=]
  COMMAND check ${F}/nowhere)
# The analysis' wall-clock limit per layer: a layer that needs more than a millisecond stops
# with one L513 that names the limit (a warning: exit 0).
loket_cli_test(check_solver_time_limit
  EXPECT --exit 0
         --stdout [=[warning\[L513\]: analysis of layer `havenstad` stopped after its time limit of 1 ms]=]
         --stdout [=[help: raise the time limit \(`loket check --solver-time-limit SECONDS`]=]
  COMMAND check examples/conflicts/ambiguity --solver-time-limit 0.001 --color never)
loket_cli_test(check_solver_time_limit_negative EXPECT --exit 2 --stderr [=[--solver-time-limit]=]
  COMMAND check examples/conflicts/ambiguity --solver-time-limit -1)
loket_cli_test(check_folder_without_rules
  EXPECT --exit 2 --stderr [=[no \.loket files in folder]=] COMMAND check ${F}/empty_dir)
# Readable by name but failing on read (EIO), even for root.
loket_cli_test(check_unreadable_file
  EXPECT --exit 2 --stderr [=[loket: error: (cannot read|error while reading) `/proc/self/mem`]=]
  COMMAND check /proc/self/mem)
loket_cli_test(check_typo_text
  EXPECT --exit 1
         --stdout [=[^tests/cli/fixtures/typo/national\.loket:28:8: error\[L201\]: unknown fact `agee`$]=]
         --stdout [=[^ 28 \|   when agee >= 16 and residence == asylum_fixed$]=]
         --stdout [=[^    \|        \^~~~$]=]
         --stdout [=[^tests/cli/fixtures/typo/national\.loket:16:6: note: `age` is declared here$]=]
         --stdout [=[^help: did you mean `age`\?$]=]
         --stdout [=[1 error, 0 warnings]=]
  COMMAND check ${F}/typo --color never)
loket_cli_test(check_typo_json
  EXPECT --exit 1
         --json [=[len(d) == 1 and d[0]["code"] == "L201" and d[0]["kind"] == "UnknownName"]=]
         --json [=[d[0]["severity"] == "error" and d[0]["location"]["path"].endswith("typo/national.loket")]=]
         --json [=[d[0]["location"]["line"] == 28 and d[0]["location"]["column"] == 8]=]
         --json [=[d[0]["location"]["end_line"] == 28 and d[0]["location"]["end_column"] == 12]=]
         --json [=[d[0]["help"] == ["did you mean `age`?"] and d[0]["notes"][0]["location"]["line"] == 16]=]
  COMMAND check ${F}/typo --format json)
loket_cli_test(check_color_always EXPECT --exit 1 --stdout [=[\x1b\x5b1.31merror\x5bL201\x5d]=]
  COMMAND check ${F}/typo --color always)
# Every finding says what to do: graph findings get the registry's help line.
loket_cli_test(check_cycle_help
  EXPECT --exit 1 --stdout [=[error\[L401\]]=] --stdout [=[^help: break the cycle: ]=]
  COMMAND check examples/conflicts/dependency-cycle --color never)
loket_cli_test(check_exception_cycle_help
  EXPECT --exit 1 --stdout [=[error\[L402\]]=] --stdout [=[^help: keep one direction: ]=]
  COMMAND check examples/conflicts/exception-cycle --color never)
# Conflict findings carry witnesses. --witnesses writes them as test suites (one per
# jurisdiction) that `loket test` runs as they are; --report writes a report for legal teams.
loket_cli_test(check_conflict_witnesses
  EXPECT --exit 1 --stdout [=[error\[L501\]: rules `havenstad\.hs\.newcomer_standard`]=]
         --stdout [=[^witness: ]=] --stdout [=[^  replay:$]=]
         --stderr [=[^wrote 1 witness suite to ]=] --stderr [=[^wrote the report to ]=]
         --file ${CMAKE_CURRENT_BINARY_DIR}/cli_witnesses/havenstad.witnesses.yaml
         --file-text [=[^jurisdiction: havenstad$]=] --file-text [=[expect_error: L609]=]
         --file-text [=[category: status_holder$]=]
  COMMAND check ${F}/conflict --color never --witnesses ${CMAKE_CURRENT_BINARY_DIR}/cli_witnesses
          --report ${CMAKE_CURRENT_BINARY_DIR}/cli_report.md)
loket_cli_test(check_report_file
  EXPECT --exit 1 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_report2.md
         --file-text [=[^# loket check report$]=] --file-text [=[L501]=]
  COMMAND check ${F}/conflict --report ${CMAKE_CURRENT_BINARY_DIR}/cli_report2.md)
loket_cli_test(witness_suite_runs
  EXPECT --exit 0 --stdout [=[^1 passed, 0 failed$]=]
  COMMAND test ${F}/conflict ${CMAKE_CURRENT_BINARY_DIR}/cli_witnesses/havenstad.witnesses.yaml
          --no-coverage-warnings)
set_tests_properties(cli.check_conflict_witnesses PROPERTIES FIXTURES_SETUP cli_witnesses)
set_tests_properties(cli.witness_suite_runs PROPERTIES FIXTURES_REQUIRED cli_witnesses)
# Witnesses of a competence error (L310) replay with --as-written: the rule base is refused
# without it, and evaluated as the municipality wrote it with it.
set(W ${CMAKE_CURRENT_BINARY_DIR}/cli_competence_witnesses)
loket_cli_test(check_competence_witnesses
  EXPECT --exit 1 --stdout [=[error\[L310\]: rule `ws\.rni_zoning`]=]
         --file ${W}/westland.witnesses.yaml --file-text [=[expect_error: L609]=]
  COMMAND check examples/conflicts/westland-rni-zoning --color never --witnesses ${W})
loket_cli_test(competence_witness_suite_refused
  EXPECT --exit 1 --stderr [=[nothing was evaluated]=]
  COMMAND test examples/conflicts/westland-rni-zoning ${W}/westland.witnesses.yaml)
loket_cli_test(competence_witness_suite_as_written
  EXPECT --exit 0 --stdout [=[^1 passed, 0 failed$]=]
         --stderr [=[warning: evaluating the rules as written, with 1 competence error]=]
  COMMAND test examples/conflicts/westland-rni-zoning ${W}/westland.witnesses.yaml --as-written
          --no-coverage-warnings)
loket_cli_test(competence_witness_eval_as_written
  EXPECT --exit 1 --stdout [=[L609]=] --stdout [=[westland\.ws\.rni_zoning]=]
  COMMAND eval examples/conflicts/westland-rni-zoning -m westland --on 2025-01-01 --as-written
          tests/cli/fixtures/competence_witness_case.yaml)
loket_cli_test(as_written_still_refuses_other_errors
  EXPECT --exit 1 --stderr [=[nothing was evaluated]=]
  COMMAND eval ${F}/typo -m national --on 2025-01-01 tests/cli/fixtures/competence_witness_case.yaml
          --as-written)
set_tests_properties(cli.check_competence_witnesses PROPERTIES FIXTURES_SETUP cli_competence_witnesses)
set_tests_properties(cli.competence_witness_suite_refused cli.competence_witness_suite_as_written
  PROPERTIES FIXTURES_REQUIRED cli_competence_witnesses)

# --- eval: one case ---------------------------------------------------------------------------
loket_cli_test(eval_text
  EXPECT --exit 0 --stdout [=[^Decisions for westland \(Gemeente Westland\) on 2025-03-01$]=]
         --stdout [=[^Inburgering \[integration\]$]=]
         --stdout [=[^  integration_duty = true$]=]
         --stdout [=[^      by wi\.duty \(national\): Wet inburgering 2021, art\. 3 lid 1$]=]
         --stdout [=[^  referrals = \{integration_intake, integration_course\}$]=]
         --stdout [=[by ws\.course \(westland\): Wet inburgering 2021, art\. 16]=]
  COMMAND eval ${F}/desk --municipality westland --on 2025-03-01 ${F}/holder.yaml)
loket_cli_test(eval_json
  EXPECT --exit 0
         --json [=[d["jurisdiction"] == "westland" and d["date"] == "2025-03-01"]=]
         --json [=[d["decisions"] == {"integration_duty": True, "referrals": ["integration_intake", "integration_course"]}]=]
         --json [=[d["details"][0]["rules"][0]["citation"] == "Wet inburgering 2021, art. 3 lid 1"]=]
         --json [=[d["errors"] == []]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/holder.json --format json)
loket_cli_test(eval_explain
  EXPECT --exit 0 --stdout [=[when age >= 16 and residence == asylum_fixed]=]
         --stdout [=[read: age = 30, residence = asylum_fixed]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/holder.yaml --explain)
loket_cli_test(eval_explain_lists_defaults
  EXPECT --exit 0 --stdout [=[^  integration_duty = false  \(default, no rule decides\)$]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/child.yaml --explain)
loket_cli_test(eval_why_not_unknown_rule_is_usage_error
  EXPECT --exit 2 --stderr [=[--why-not: .*nosuch\.rule]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/child.yaml --why-not nosuch.rule)
loket_cli_test(eval_unknown_jurisdiction_lists_layers
  EXPECT --exit 2 --stderr [=[no layer named `nowhere` \(layers: national, ]=]
  COMMAND eval ${F}/desk -m nowhere --on 2025-03-01 ${F}/child.yaml)
loket_cli_test(eval_default_and_why_not
  EXPECT --exit 0 --stdout [=[^  No rule decides \(default\): integration_duty$]=]
         --stdout [=[^Why not wi\.duty: .*age >= 16]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/child.yaml --why-not wi.duty)
loket_cli_test(eval_invalid_case
  EXPECT --exit 1
         --stderr [=[^tests/cli/fixtures/bad_case\.yaml:2:12: error\[L604\]: `asylum_fixd` is not a member]=]
         --stderr [=[^ 2 \| residence: asylum_fixd$]=]
         --stderr [=[^   \|            \^~~~~~~~~~~$]=]
         --stderr [=[did you mean `asylum_fixed`]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/bad_case.yaml --color never)
# L602 / L603: the caret goes under the value, not the fact's name.
loket_cli_test(eval_wrong_type_caret
  EXPECT --exit 1
         --stderr [=[^tests/cli/fixtures/wrong_type_case\.yaml:2:6: error\[L602\]: fact `age` expects int]=]
         --stderr [=[^   \|      \^~~~~~~~$]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/wrong_type_case.yaml --color never)
loket_cli_test(eval_out_of_range_caret
  EXPECT --exit 1
         --stderr [=[^tests/cli/fixtures/out_of_range_case\.json:1:38: error\[L603\]: fact `age` = 131]=]
         --stderr [=[^   \|                                      \^~~$]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/out_of_range_case.json --color never)
loket_cli_test(eval_invalid_case_json
  EXPECT --exit 1
         --json [=[d["decisions"] == {} and d["errors"][0]["code"] == "L604"]=]
         --json [=[d["errors"][0]["location"]["line"] == 2 and d["errors"][0]["location"]["column"] == 12]=]
         --json [=[d["errors"][0]["help"] == ["did you mean `asylum_fixed`?"]]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/bad_case.yaml --format json)
loket_cli_test(eval_unknown_jurisdiction
  EXPECT --exit 2 --stderr [=[no layer named `westlnd`. did you mean `westland`\?]=]
  COMMAND eval ${F}/desk -m westlnd --on 2025-03-01 ${F}/holder.yaml)
loket_cli_test(eval_bad_date EXPECT --exit 2 --stderr [=[is not a date]=]
  COMMAND eval ${F}/desk -m westland --on 2025-02-30 ${F}/holder.yaml)
loket_cli_test(eval_rules_with_errors EXPECT --exit 1 --stderr [=[error\[L201\]]=]
  --stderr [=[nothing was evaluated]=]
  COMMAND eval ${F}/typo -m national --on 2025-03-01 ${F}/holder.yaml)
loket_cli_test(eval_missing_case EXPECT --exit 2 --stderr [=[cannot open]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 ${F}/no_such_case.yaml)

# --- eval: batch ------------------------------------------------------------------------------
# Bad records in the middle are reported and skipped; the others are decided, in input order.
loket_cli_test(eval_batch_stdout
  EXPECT --exit 1
         --jsonl [=[len(d) == 6]=]
         --jsonl [=[d[0] == {"integration_duty": True, "referrals": ["integration_intake", "integration_course"]}]=]
         --jsonl [=[d[1] == {"integration_duty": False, "referrals": []}]=]
         --jsonl [=[d[2]["record"] == 3 and d[2]["errors"][0]["code"] == "L604"]=]
         --jsonl [=[d[3]["integration_duty"] is False and d[5]["integration_duty"] is False]=]
         --jsonl [=[d[4]["record"] == 5 and d[4]["errors"][0]["code"] == "L611"]=]
         --stderr [=[cases\.jsonl: record 3: error\[L604\]]=]
         --stderr [=[cases\.jsonl: record 5: error\[L611\]]=]
         --stderr [=[^records: 6, decided: 4, errors: 2, [0-9]+ cases/s]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${F}/cases.jsonl)
loket_cli_test(eval_batch_out_file
  EXPECT --exit 1 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_decisions.jsonl
         --file-jsonl [=[len(d) == 6 and d[2]["record"] == 3 and d[4]["record"] == 5]=]
         --file-jsonl [=[[r.get("integration_duty") for r in d] == [True, False, None, False, None, False]]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${F}/cases.jsonl
          --out ${CMAKE_CURRENT_BINARY_DIR}/cli_decisions.jsonl)
# The jurisdiction per record; a name that is no layer is an L607 error, never a fallback.
# The field first, in the middle, last, with spaces, and beside a nested object's same key.
loket_cli_test(eval_batch_jurisdiction_field
  EXPECT --exit 1
         --jsonl [=[len(d) == 6]=]
         --jsonl [=[d[0]["referrals"] == ["integration_intake", "integration_course"]]=]
         --jsonl [=[d[1]["referrals"] == ["integration_intake"]]=]
         --jsonl [=[d[2]["record"] == 3 and d[2]["errors"][0]["code"] == "L607" and "westland" in d[2]["errors"][0]["message"]]=]
         --jsonl [=[d[3] == {"integration_duty": False, "referrals": []}]=]
         --jsonl [=[d[4]["record"] == 5 and d[4]["errors"][0]["code"] == "L601" and "westland" in d[4]["errors"][0]["message"]]=]
         --jsonl [=[d[5] == {"integration_duty": True, "referrals": ["integration_intake"]}]=]
         --stderr [=[records: 6, decided: 4, errors: 2]=]
  COMMAND eval ${F}/desk --jurisdiction-field municipality --on 2025-03-01
          --cases ${F}/cases_field.jsonl)
# 600 records (those six a hundred times): several batches of queued records with bad ones
# throughout; the output keeps the input order and every record is counted.
file(READ ${PROJECT_SOURCE_DIR}/${F}/cases_field.jsonl cli_six_records)
string(REPEAT "${cli_six_records}" 100 cli_many_records)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/cli_cases_many.jsonl "${cli_many_records}")
loket_cli_test(eval_batch_many_records
  EXPECT --exit 1
         --jsonl [=[len(d) == 600]=]
         --jsonl [=[(lambda d: all(d[i]["record"] == i + 1 for i in range(600) if i % 6 in (2, 4)))(d)]=]
         --jsonl [=[(lambda d: all(d[i] == d[i % 6] for i in range(600) if i % 6 not in (2, 4)))(d)]=]
         --jsonl [=[d[0]["referrals"] == ["integration_intake", "integration_course"]]=]
         --stderr [=[record 3: error\[L607\]]=]
         --stderr [=[further record errors are not shown]=]
         --stderr [=[records: 600, decided: 400, errors: 200]=]
  COMMAND eval ${F}/desk --jurisdiction-field municipality --on 2025-03-01
          --cases ${CMAKE_CURRENT_BINARY_DIR}/cli_cases_many.jsonl)
# A record longer than the read buffer (1 MiB), between two short ones.
string(REPEAT " " 1600000 cli_spaces)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/cli_cases_long.jsonl
  "{\"age\": 30, \"residence\": \"asylum_fixed\"}\n{\"age\": 30,${cli_spaces}\"residence\": \"none\"}\n{\"age\": 12, \"residence\": \"asylum_fixed\"}\n")
loket_cli_test(eval_batch_long_record
  EXPECT --exit 0 --jsonl [=[len(d) == 3 and d[1] == {"integration_duty": False, "referrals": []}]=]
         --jsonl [=[d[0]["integration_duty"] is True and d[2]["integration_duty"] is False]=]
         --stderr [=[records: 3, decided: 3, errors: 0]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01
          --cases ${CMAKE_CURRENT_BINARY_DIR}/cli_cases_long.jsonl)
loket_cli_test(eval_batch_all_valid
  EXPECT --exit 0 --jsonl [=[len(d) == 2]=] --stderr [=[records: 2, decided: 2, errors: 0]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${F}/cases_valid.jsonl)
loket_cli_test(eval_batch_needs_one_jurisdiction
  EXPECT --exit 2
         --stderr [=[^loket: error: give one of --municipality \(--jurisdiction\) or --jurisdiction-field$]=]
         --not-stdout [=[.]=]
  COMMAND eval ${F}/desk -m westland --jurisdiction-field municipality --on 2025-03-01
          --cases ${F}/cases_field.jsonl)
loket_cli_test(eval_batch_missing_input EXPECT --exit 2 --stderr [=[cannot open]=]
  COMMAND eval ${F}/desk -m westland --on 2025-03-01 --cases ${F}/nothing.jsonl)

include(${LOKET_CLI_TEST_DIR}/eval_answers.cmake)

# --- test -------------------------------------------------------------------------------------
loket_cli_test(test_pass
  EXPECT --exit 0 --stdout [=[^3 passed, 0 failed$]=]
         --stdout [=[^coverage: 3 of 3 rules fired in some test$]=]
  COMMAND test ${F}/desk --color never)
loket_cli_test(test_wrong_expectation_fails_with_diff
  EXPECT --exit 1
         --stdout [=[^FAIL tests/cli/fixtures/wrong_expectation\.yaml:5: child of 10 wrongly expected to be obliged \(westland, 2025-03-01\)$]=]
         --stdout [=[^  integration_duty: expected true, got false$]=]
         --stdout [=[^    integration_duty = false  \(default: no rule applied\)$]=]
         --stdout [=[^0 passed, 1 failed$]=]
  COMMAND test ${F}/desk ${F}/wrong_expectation.yaml --color never --no-coverage-warnings)
loket_cli_test(test_coverage_warnings
  EXPECT --exit 1
         --stdout [=[warning\[L703\]: no test makes rule `wi\.duty` \(layer national\) fire]=]
         --stdout [=[^coverage: 0 of 3 rules fired in some test$]=]
  COMMAND test ${F}/desk ${F}/wrong_expectation.yaml --color never)
loket_cli_test(test_require_coverage
  EXPECT --exit 1 --stdout [=[error\[L703\]: no test makes rule `wi\.duty`]=]
  COMMAND test ${F}/desk ${F}/wrong_expectation.yaml --require-coverage --color never)
loket_cli_test(test_malformed_suite
  EXPECT --exit 1
         --stdout [=[^tests/cli/fixtures/malformed_suite\.yaml:7:5: error\[L702\]: unknown key `expext` in a test case. did you mean `expect`\?$]=]
         --stdout [=[^0 passed, 1 failed$]=]
  COMMAND test ${F}/desk ${F}/malformed_suite.yaml --color never)
loket_cli_test(test_suite_errors_text
  EXPECT --exit 1
         --stdout [=[^tests/cli/fixtures/suite_errors\.yaml:7:15: error\[L704\]: test expects `integraton_duty`, which is not a decision in `westland`$]=]
         --stdout [=[^help: did you mean `integration_duty`\?$]=]
         --stdout [=[^tests/cli/fixtures/suite_errors\.yaml:9:11: error\[L614\]: `2025-02-30` is not a date]=]
         --stdout [=[^0 passed, 2 failed$]=]
  COMMAND test ${F}/desk ${F}/suite_errors.yaml --no-coverage-warnings --color never)
# JSON: failed cases are L701 diagnostics at the case's line, next to L704.
loket_cli_test(test_suite_errors_json
  EXPECT --exit 1 --stderr [=[^0 passed, 2 failed$]=]
         --json [=[[x["code"] for x in d] == ["L701", "L704", "L701"]]=]
         --json [=[d[0]["location"]["line"] == 6 and "misspelt decision" in d[0]["message"]]=]
         --json [=[d[2]["location"]["line"] == 8 and "L614" in d[2]["message"]]=]
  COMMAND test ${F}/desk ${F}/suite_errors.yaml --no-coverage-warnings --format json)
loket_cli_test(test_missing_suite EXPECT --exit 2 --stderr [=[no such test suite]=]
  COMMAND test ${F}/desk ${F}/no_such_suite.yaml)

# --- graph: the real rule base as DOT, JSON and (Graphviz) SVG ---------------------------------
loket_cli_test(graph_dot
  EXPECT --exit 0 --stdout [=[^digraph loket \{$]=] --stdout [=[cluster_westland]=]
  COMMAND graph rules -m westland)
# Without --format the extension of -o chooses; --out is an alias of -o.
loket_cli_test(graph_json_by_extension
  EXPECT --exit 0 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_graph.json
         --file-text [=["edges": \x5b]=] --file-text [=["kind": "under"]=]
  COMMAND graph rules -m westland --no-analysis -o ${CMAKE_CURRENT_BINARY_DIR}/cli_graph.json)
loket_cli_test(graph_svg_by_extension
  EXPECT --exit 0 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_graph.svg --file-text [=[<svg ]=]
  COMMAND graph rules -m westland --no-analysis --out ${CMAKE_CURRENT_BINARY_DIR}/cli_graph.svg)
loket_cli_test(graph_format_wins
  EXPECT --exit 0 --file ${CMAKE_CURRENT_BINARY_DIR}/cli_graph_dot.json
         --file-text [=[^digraph loket \{$]=]
  COMMAND graph rules -m westland --no-analysis --format dot
          -o ${CMAKE_CURRENT_BINARY_DIR}/cli_graph_dot.json)

# --- bench (no timing assertions: only that it runs and reports) ------------------------------
loket_cli_test(bench
  EXPECT --exit 0 --stdout [=[^cases: +2 \(0 invalid, 0 undecided\), 1 rounds$]=]
         --stdout [=[^evaluate: +[0-9]+ cases/s]=] --stdout [=[^parse\+evaluate: +[0-9]+ cases/s]=]
         --stdout [=[^evaluate 1 by 1: +[0-9]+ cases/s]=]
         --stdout [=[latency per case: p50]=] --stdout [=[^peak RSS:]=]
  COMMAND bench ${F}/desk -m westland --on 2025-03-01 --cases ${F}/cases_valid.jsonl --repeat 1)
# Records of several jurisdictions (and bad ones) in one file: a table per jurisdiction.
loket_cli_test(bench_jurisdiction_field
  EXPECT --exit 0 --stdout [=[^cases: +6 \(2 invalid, 0 undecided\), 2 rounds$]=]
         --stdout [=[^evaluate: +[0-9]+ cases/s \(.* for 8 evaluations. CaseTable batches]=]
  COMMAND bench ${F}/desk --jurisdiction-field municipality --on 2025-03-01
          --cases ${F}/cases_field.jsonl --repeat 2 --batch-size 3)

include(${CMAKE_CURRENT_LIST_DIR}/hostile.cmake)
# --- laws, citation lists, `applies when` (docs/language.md §4) ------------------------------
loket_cli_test(eval_citation_links
  EXPECT --exit 0
         --stdout [=[^      by wi\.duty \(national\): Wet inburgering 2021, art\. 3 lid 1. Besluit inburgering 2021, art\. 2\.2$]=]
         --stdout [=[^         https://wetten\.overheid\.nl/jci1\.3:c:BWBR0044770&artikel=3&lid=1&g=2025-06-01$]=]
         --stdout [=[^         https://wetten\.overheid\.nl/jci1\.3:c:BWBR0045555&artikel=2\.2&g=2025-06-01$]=]
         --stdout [=[^         https://wetten\.overheid\.nl/jci1\.3:c:BWBR0044770&artikel=4&lid=1&o=a&g=2025-06-01$]=]
  COMMAND eval ${F}/lawcite -m national --on 2025-06-01 ${F}/lawcite_old.json)
loket_cli_test(eval_citation_json
  EXPECT --exit 0
         --json [=[d["details"][1]["rules"][0]["citations"][0]["url"] == "https://wetten.overheid.nl/jci1.3:c:BWBR0044770&artikel=4&lid=1&o=a&g=2025-06-01"]=]
         --json [=[d["details"][1]["rules"][0]["citations"][1] == {"text": "Beleidsregel (test)", "law": "", "law_title": "", "registry": "", "identifier": "", "article": "", "article_to": "", "lid": "", "sub": "", "remark": "Beleidsregel (test)", "url": None}]=]
         --json [=[d["details"][0]["rules"][0]["citations"][1]["law_title"] == "Besluit inburgering 2021"]=]
  COMMAND eval ${F}/lawcite -m national --on 2025-06-01 ${F}/lawcite_old.json --format json)
loket_cli_test(eval_not_applicable
  EXPECT --exit 0
         --stdout [=[^  Not applicable \(niet van toepassing\): wi_exempt$]=]
  COMMAND eval ${F}/lawcite -m national --on 2025-06-01 ${F}/lawcite_young.json)
loket_cli_test(eval_not_applicable_all
  EXPECT --exit 0
         --stdout [=[^  wi_exempt: not applicable \(niet van toepassing\): applies only when integration_duty$]=]
         --stdout [=[read: integration_duty = false]=]
  COMMAND eval ${F}/lawcite -m national --on 2025-06-01 ${F}/lawcite_young.json --explain)
loket_cli_test(eval_not_applicable_json
  EXPECT --exit 0
         --json [=[d["details"][1]["status"] == "not_applicable" and d["details"][1]["value"] is None]=]
         --json [=[d["details"][1]["applies_when"] == "integration_duty" and d["details"][1]["rules"] == []]=]
         --json [=[d["details"][1]["applies_reads"][0]["name"] == "integration_duty" and d["details"][1]["applies_reads"][0]["value"] == "false"]=]
         --json [=[d["decisions"]["wi_exempt"] is None]=]
  COMMAND eval ${F}/lawcite -m national --on 2025-06-01 ${F}/lawcite_young.json --format json)
loket_cli_test(doc_citation_links
  EXPECT --exit 0
         --stdout [=[\x5bWet inburgering 2021, art\. 3 lid 1\x5d\(https://wetten\.overheid\.nl/jci1\.3:c:BWBR0044770&artikel=3&lid=1&g=2025-06-01\)]=]
         --stdout [=[Applies only when `integration_duty`\.]=]
  COMMAND doc ${F}/lawcite -m national --on 2025-06-01)
include(${CMAKE_CURRENT_LIST_DIR}/diff.cmake)
endif()
