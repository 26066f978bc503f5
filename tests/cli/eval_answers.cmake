# `loket eval`'s answer sheet and answers (issue 13): the compact sheet, --all, --explain down
# to the facts and the rules behind a default, notes, JSON statuses, jurisdictions by CBS code,
# JSON errors and fact suggestions. Included from tests.cmake (uses loket_cli_test and F).
set(A ${F}/answers)

loket_cli_test(eval_sheet_shows_what_applies_with_notes
  EXPECT --exit 0 --stdout [=[^Decisions for westland \(Gemeente Westland\) on 2025-03-01$]=]
         --stdout [=[^  integration_duty = true\n      by wi\.duty \(national\): Wet inburgering 2021, art\. 3 lid 1\n         note: DUO decides the exemption$]=]
         --stdout [=[^  No rule decides \(default\): exempt$]=]
         --stdout [=[^  No rule decides \(default\): salary_criterion_met$]=]
         --not-stdout [=[exempt = false]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_holder.yaml)
loket_cli_test(eval_sheet_a_no_with_its_article
  EXPECT --exit 0
         --stdout [=[^  Does not apply: integration_duty \(Wet inburgering 2021, art\. 3 lid 2\)$]=]
         --stdout [=[^    note on integration_duty: EU citizens and their family members are outside the act$]=]
         --stdout [=[^  No rule decides \(default\): referrals$]=]
         --not-stdout [=[integration_duty = false]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_eu.yaml)
loket_cli_test(eval_sheet_all_shows_every_decision
  EXPECT --exit 0
         --stdout [=[^  integration_duty = false\n      by wi\.eu \(national\): Wet inburgering 2021, art\. 3 lid 2\n         note: EU citizens]=]
         --stdout [=[^  exempt = false  \(default, no rule decides\)$]=]
         --stdout [=[^  salary_criterion_met = false  \(default, no rule decides\)$]=]
         --not-stdout [=[Does not apply|No rule decides]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_eu.yaml --all)
loket_cli_test(eval_explain_names_the_rules_behind_a_default
  EXPECT --exit 0
         --stdout [=[^  salary_criterion_met = false  \(default, no rule decides\)\n      not by work\.salary \(national\): Besluit vreemdelingen 2000, art\. 1d\n         false: gross_monthly_salary >= €5\.688\n         read: gross_monthly_salary = €2\.400]=]
         --stdout [=[^      not by wi\.exempt \(national\): Wet inburgering 2021, art\. 4\n         false: integration_duty\n         read: integration_duty = false\n           integration_duty = false  by wi\.eu \(national\): Wet inburgering 2021, art\. 3 lid 2  from residence = eu_free_movement$]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_eu.yaml --explain)
loket_cli_test(eval_explain_traces_to_the_facts
  EXPECT --exit 0
         --stdout [=[^         read: in_scope = true\n           in_scope = true  from age = 30, residence = asylum_fixed$]=]
         --stdout [=[^      by ref\.integration_intake \(national\): Wet inburgering 2021, art\. 14\n         when integration_duty\n         read: integration_duty = true\n           integration_duty = true  by wi\.duty \(national\): Wet inburgering 2021, art\. 3 lid 1  from in_scope = true\n             in_scope = true  from age = 30, residence = asylum_fixed\n      by ws\.course]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_holder.yaml --explain)
loket_cli_test(eval_json_statuses_notes_and_fact_tree
  EXPECT --exit 0
         --json [=[{x["name"]: x["status"] for x in d["details"]} == {"integration_duty": "default_with_basis", "exempt": "default_without_basis", "salary_criterion_met": "default_without_basis", "referrals": "default_without_basis"}]=]
         --json [=[d["details"][0]["rules"][0]["notes"] == ["EU citizens and their family members are outside the act"]]=]
         --json [=[[c["rule"]["id"] for c in d["details"][2]["candidates"]] == ["work.salary"] and d["details"][2]["candidates"][0]["failed_part"] == "gross_monthly_salary >= €5.688"]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_eu.yaml --format json)
loket_cli_test(eval_json_decided_with_the_tree
  EXPECT --exit 0
         --json [=[d["details"][0]["status"] == "decided" and d["details"][0]["rules"][0]["notes"] == ["DUO decides the exemption"]]=]
         --json [=[[r["name"] for r in d["details"][0]["rules"][0]["reads"][0]["from"]] == ["age", "residence"]]=]
         --json [=[d["details"][3]["rules"][0]["reads"][0]["from"][0]["from"][0]["name"] == "age"]=]
         --json [=[d["details"][3]["rules"][1]["reads"][0] == {"name": "integration_duty", "kind": "decision", "known": True, "value": "true", "expanded_above": True}]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_holder.yaml --format json)
loket_cli_test(eval_jurisdiction_by_cbs_code
  EXPECT --exit 0 --stdout [=[^Decisions for westland \(Gemeente Westland\) on 2025-03-01$]=]
  COMMAND eval ${A} -m gm1783 --on 2025-03-01 ${F}/answers_holder.yaml)
loket_cli_test(eval_jurisdiction_in_any_case
  EXPECT --exit 0 --stdout [=[^Decisions for westland \(Gemeente Westland\) on 2025-03-01$]=]
  COMMAND eval ${A} -m WestLand --on 2025-03-01 ${F}/answers_holder.yaml)
loket_cli_test(eval_suggests_a_fact_by_its_words
  EXPECT --exit 1 --stderr [=[error\[L601\]: unknown fact `gross_salary`]=]
         --stderr [=[help: did you mean `gross_monthly_salary`\?]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/answers_misspelt.yaml --color never)
loket_cli_test(eval_json_error_unknown_jurisdiction
  EXPECT --exit 2 --stderr [=[no layer named `nowhere`]=]
         --json [=[d["errors"][0]["code"] == "not_found" and "nowhere" in d["errors"][0]["message"]]=]
  COMMAND eval ${A} -m nowhere --on 2025-03-01 ${F}/answers_holder.yaml --format json)
loket_cli_test(eval_json_error_missing_case
  EXPECT --exit 2
         --json [=[d["errors"][0]["code"] == "not_found" and "cannot open" in d["errors"][0]["message"]]=]
  COMMAND eval ${A} -m westland --on 2025-03-01 ${F}/no_such_case.yaml --format json)
loket_cli_test(eval_json_error_usage
  EXPECT --exit 2 --json [=[d["errors"][0]["code"] == "usage" and "--on" in d["errors"][0]["message"]]=]
  COMMAND eval ${A} -m westland --on 2025-02-30 ${F}/answers_holder.yaml --format json)
loket_cli_test(eval_json_error_unknown_option
  EXPECT --exit 2 --json [=[d["errors"][0]["code"] == "usage" and "--bogus" in d["errors"][0]["message"]]=]
  COMMAND eval ${A} -m westland --bogus --format=json ${F}/answers_holder.yaml)
loket_cli_test(eval_json_error_rules_with_errors
  EXPECT --exit 1 --json [=[d["errors"][0]["code"] == "L201"]=]
  COMMAND eval ${F}/typo -m national --on 2025-03-01 ${F}/holder.yaml --format json)
loket_cli_test(check_json_error_missing_path
  EXPECT --exit 2 --json [=[d["errors"][0]["code"] == "not_found"]=]
  COMMAND check ${F}/no_such_folder --format json)
loket_cli_test(doc_shows_notes_by_cbs_code
  EXPECT --exit 0 --stdout [=[DUO decides the exemption]=] --stdout [=[Gemeente Westland]=]
  COMMAND doc ${A} -m GM1783 --on 2025-03-01)
