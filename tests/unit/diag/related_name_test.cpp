// "did you mean" beyond typos: diag::RelatedName finds a name by its words or a common prefix.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "diag/diagnostic.h"

using loket::diag::RelatedName;

TEST_CASE("RelatedName: a name whose words are all in the candidate's, in order", "[diag]") {
  const std::vector<std::string> facts = {"age", "gross_monthly_salary", "residence"};
  CHECK(RelatedName("gross_salary", facts) == "gross_monthly_salary");
  CHECK(RelatedName("salary", facts) == "gross_monthly_salary");  // one word of it
  CHECK(RelatedName("monthly_salary", facts) == "gross_monthly_salary");
  CHECK(RelatedName("salary_gross", facts).empty());  // the words in another order
}

TEST_CASE("RelatedName: a common prefix of whole words", "[diag]") {
  const std::vector<std::string> facts = {"gross_annual_income_eur", "gross_monthly_salary"};
  // Both share `gross`; the shorter one wins.
  CHECK(RelatedName("gross_pay", facts) == "gross_monthly_salary");
  // A prefix that ends inside a word is no relation.
  CHECK(RelatedName("grosz_pay", facts).empty());
  // Nor is a shared word shorter than four letters.
  CHECK(RelatedName("age_band", {"age_at_arrival"}).empty());
}

TEST_CASE("RelatedName: nothing for unrelated, equal or overlong names", "[diag]") {
  const std::vector<std::string> facts = {"age", "residence"};
  CHECK(RelatedName("nationality", facts).empty());
  // Words, not letters: `age` is no part of `preferred_language`.
  CHECK(RelatedName("age", {"preferred_language", "garage_box"}).empty());
  CHECK(RelatedName("age", {"preferred_language", "age_at_arrival"}) == "age_at_arrival");
  // One word matches only as the candidate's first or last word.
  CHECK(RelatedName("age", {"school_age_children"}).empty());
  CHECK(RelatedName("residence", facts).empty());  // the name itself is no suggestion
  CHECK(RelatedName("ag", facts).empty());         // too short to relate
  CHECK(RelatedName(std::string(10000, 'r') + "_residence", facts).empty());
}
