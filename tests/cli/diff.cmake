# `loket diff OLD NEW`: exit 0 when no answer changes (proved), 1 when answers change, a
# finding is new, something is undetermined or a side does not check clean, 2 when it could
# not run. Included from tests/cli/tests.cmake (loket_cli_test and F come from there).
set(D ${F}/diff)
loket_cli_test(diff_same
  EXPECT --exit 0 --stdout [=[^No one's answer changes for all 4 decisions: their rules did not change\.$]=]
         --stdout [=[4 unchanged \(4 by unchanged rules, 0 proved by the solver\)]=]
  COMMAND diff ${F}/desk ${F}/desk --on 2025-03-01)
loket_cli_test(diff_changed_threshold
  EXPECT --exit 1 --stdout [=[^\* because of: rule national\.wi\.duty \(changed\)$]=]
         --stdout [=[^  westland · integration_duty: answers change$]=]
         --stdout [=[^      age: 1[67]$]=]
         --stdout [=[^      old: integration_duty = true \(by national\.wi\.duty\)$]=]
         --stdout [=[^           \x5bWet inburgering 2021, art\. 3 lid 1\x5d$]=]
         --stdout [=[^      new: integration_duty = false \(default\)$]=]
         --stdout [=[: 4 changed, 0 undetermined]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01)
loket_cli_test(diff_rename_proved_unchanged
  EXPECT --exit 0
         --stdout [=[^No one's answer changes \(proved by the solver despite changed rules\):$]=]
         --stdout [=[^  westland · integration_duty \(changed: rule national\.wi\.duty \(removed\). rule national\.wi\.integration_duty \(added\)\)$]=]
         --not-stdout [=[answers change]=]
  COMMAND diff ${F}/desk ${D}/renamed --on 2025-03-01)
loket_cli_test(diff_new_finding_first
  EXPECT --exit 1 --stdout [=[^New findings — ]=] --stdout [=[error\[L504\]: rule `dijkstad\.ds\.housing_after_b1`]=]
         --stdout [=[^  dijkstad \(the whole jurisdiction\): only in ]=]
  COMMAND diff examples/conflicts/statusholder-housing-b1/national.loket
          examples/conflicts/statusholder-housing-b1 --on 2025-03-01)
loket_cli_test(diff_population
  EXPECT --exit 1
         --json [=[d["population"]["records"] == 5 and d["population"]["changed_records"] == 2]=]
         --json [=[d["population"]["changes"][0] == {"jurisdiction": "westland", "decision": "integration_duty", "from": "true", "to": "false", "count": 2, "records": [1, 3]}]=]
         --json [=[d["population"]["failed_old"] == 1 and d["population"]["failed_new"] == 1]=]
         --json [=[d["unchanged"] is False and d["stats"]["changed"] == 4]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --cases ${D}/cases.jsonl
          --jurisdiction-field gemeente --format json)
# One jurisdiction for every record (-m): ages 30, 12, 45 and 20 keep their answers.
loket_cli_test(diff_population_fixed_jurisdiction
  EXPECT --exit 1 --stdout [=[^Population: 0 records of 6 change \(2 ]=]
  COMMAND diff ${F}/desk ${D}/age18 -m westland --on 2025-03-01 --cases ${F}/cases.jsonl)
loket_cli_test(diff_population_text
  EXPECT --exit 1 --stdout [=[^Population: 2 records of 5 change]=]
         --stdout [=[^  westland · referrals: \{integration_intake, integration_course\} → \{\}: 2 \(records 1, 3\)$]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --cases ${D}/cases.jsonl
          --jurisdiction-field gemeente)
loket_cli_test(diff_cases_needs_jurisdiction
  EXPECT --exit 2 --stderr [=[--cases needs either -m JURISDICTION or --jurisdiction-field FIELD]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --cases ${D}/cases.jsonl)
loket_cli_test(diff_cases_need_one_date
  EXPECT --exit 2 --stderr [=[--cases decides each record on one date: use --on with it]=]
  COMMAND diff ${F}/desk ${D}/age18 --from 2025-01-01 --until 2025-12-31 -m westland
          --cases ${D}/cases.jsonl)
loket_cli_test(diff_period_needs_both_ends
  EXPECT --exit 2 --stderr [=[--from and --until go together]=]
  COMMAND diff ${F}/desk ${D}/age18 --from 2025-01-01)
loket_cli_test(diff_bad_date
  EXPECT --exit 2 --stderr [=[2025-02-30]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-02-30)
loket_cli_test(diff_unknown_jurisdiction
  EXPECT --exit 2 --stderr [=[no jurisdiction `atlantis` in either rule base]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 -m atlantis)
loket_cli_test(diff_unclean_side
  EXPECT --exit 1 --stdout [=[does not check clean]=] --stdout [=[error\[L201\]]=]
         --stdout [=[^nothing compared: both rule bases must check without errors$]=]
  COMMAND diff ${F}/desk ${F}/typo --on 2025-03-01)
loket_cli_test(diff_git_head_unchanged
  EXPECT --exit 0 --stdout [=[^loket diff git:HEAD:tests/cli/fixtures/desk → tests/cli/fixtures/desk, on 2025-03-01$]=]
         --stdout [=[No one's answer changes for all 4 decisions]=]
  COMMAND diff git:HEAD:tests/cli/fixtures/desk ${F}/desk --on 2025-03-01)
loket_cli_test(diff_git_unknown_revision
  EXPECT --exit 2 --stderr [=[^loket: error: `git:no-such-revision`: no revision `no-such-revision` in this repository$]=]
  COMMAND diff git:no-such-revision ${F}/desk --on 2025-03-01)
loket_cli_test(diff_git_missing_folder
  EXPECT --exit 2 --stderr [=[`tests/cli/fixtures/nowhere` does not exist at revision HEAD]=]
         --max-stderr 200
  COMMAND diff git:HEAD:tests/cli/fixtures/nowhere ${F}/desk --on 2025-03-01)
loket_cli_test(diff_git_outside_repository
  EXPECT --exit 2 --stderr [=[the working directory is not inside a git repository]=]
         --cwd /
  COMMAND diff git:HEAD /tmp --on 2025-03-01)
# Reports: Markdown written atomically with --out; the witnesses as a suite that `loket test`
# runs green on NEW.
loket_cli_test(diff_markdown_report
  EXPECT --exit 1 --stderr [=[^wrote the report to ]=]
         --file ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_report.md
         --file-text [=[^# What changes: ]=] --file-text [=[^### Because of: rule national\.wi\.duty \(changed\)$]=]
         --file-text [=[^- old: integration_duty = true \(by national\.wi\.duty\) \x5bWet inburgering 2021, art\. 3 lid 1\x5d$]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --format markdown
          --out ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_report.md)
loket_cli_test(diff_witnesses
  EXPECT --exit 1 --stderr [=[^wrote 2 witness suites to ]=]
         --file ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_witnesses/westland.diff.yaml
         --file-text [=[^jurisdiction: westland$]=] --file-text [=[^      integration_duty: false$]=]
         --file-text [=[^      residence: asylum_fixed$]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01
          --witnesses ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_witnesses)
loket_cli_test(diff_witness_suite_green_on_new
  EXPECT --exit 0 --stdout [=[^2 passed, 0 failed$]=]
  COMMAND test ${D}/age18 ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_witnesses/westland.diff.yaml
          --no-coverage-warnings)
loket_cli_test(diff_witness_suite_red_on_old
  EXPECT --exit 1 --stdout [=[^0 passed, 2 failed$]=]
  COMMAND test ${F}/desk ${CMAKE_CURRENT_BINARY_DIR}/cli_diff_witnesses/westland.diff.yaml
          --no-coverage-warnings)
set_tests_properties(cli.diff_witnesses PROPERTIES FIXTURES_SETUP cli_diff_witnesses)
set_tests_properties(cli.diff_witness_suite_green_on_new cli.diff_witness_suite_red_on_old
  PROPERTIES FIXTURES_REQUIRED cli_diff_witnesses)
loket_cli_test(diff_html_report
  EXPECT --exit 1 --stdout [=[^<!DOCTYPE html>]=] --stdout [=[<h3>Because of: rule national\.wi\.duty \(changed\)</h3>]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --format html)
loket_cli_test(diff_out_unwritable
  EXPECT --exit 2 --stderr [=[nowhere]=]
  COMMAND diff ${F}/desk ${D}/age18 --on 2025-03-01 --out /nowhere/report.md)
