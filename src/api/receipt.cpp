// Decision receipts and the rule base's content hash.
#include "loket/receipt.h"

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "api/json_text.h"
#include "api/rule_base_impl.h"

namespace loket {
namespace internal {
namespace {

// The folder every path shares ("rules/" for rules/national/a.loket and rules/westland/b.loket),
// cut at a '/' so that a file name is never split.
std::size_t SharedFolderLength(const source::SourceManager& sources) {
  const std::vector<source::FileId>& ids = sources.ids();
  if (ids.empty()) return 0;
  std::string_view first = sources.path(ids[0]);
  std::size_t shared = first.size();
  for (std::size_t i = 1; i < ids.size(); ++i) {
    std::string_view path = sources.path(ids[i]);
    std::size_t n = 0;
    while (n < shared && n < path.size() && path[n] == first[n]) ++n;
    shared = n;
  }
  // A single file: its folder. Otherwise back to the last '/' within the shared prefix.
  std::size_t slash = std::string_view(first.data(), std::min(shared, first.size())).rfind('/');
  if (ids.size() == 1) slash = first.rfind('/');
  return slash == std::string_view::npos ? 0 : slash + 1;
}

}  // namespace

std::string ContentHash(const source::SourceManager& sources) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return "";
  const std::size_t cut = SharedFolderLength(sources);
  for (source::FileId id : sources.ids()) {
    std::string_view path = sources.path(id);
    path.remove_prefix(std::min(cut, path.size()));
    std::string_view text = sources.text(id);
    // Path and length delimit each file, so moving bytes between files changes the hash.
    std::string header = std::string(path) + '\0' + std::to_string(text.size()) + '\0';
    EVP_DigestUpdate(ctx.get(), header.data(), header.size());
    EVP_DigestUpdate(ctx.get(), text.data(), text.size());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace internal

const std::string& RuleBase::ContentHash() const {
  const internal::RuleBaseImpl& impl = *impl_;
  std::call_once(impl.content_hash_once,
                 [&impl] { impl.content_hash = internal::ContentHash(*impl.sources); });
  return impl.content_hash;
}

std::string NewDecisionId() {
  thread_local std::mt19937_64 random{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  std::uint64_t high = random(), low = random();
  high = (high & ~0xF000ULL) | 0x4000ULL;      // version 4
  low = (low & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

namespace {

std::string NowRfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return text;
}

}  // namespace

Receipt MakeReceipt(const RuleBase& rules, const std::string& jurisdiction, Date on) {
  Receipt receipt;
  receipt.decision_id = NewDecisionId();
  receipt.rule_base_hash = rules.ContentHash();
  receipt.loket_version = Version();
  receipt.jurisdiction = jurisdiction;
  receipt.reference_date = on.ToString();
  receipt.decided_at = NowRfc3339();
  return receipt;
}

std::string ReceiptJson(const Receipt& receipt) {
  std::string out = "{";
  auto member = [&out](const char* name, const std::string& value, bool first = false) {
    if (!first) out += ',';
    AppendJsonString(out, name);
    out += ':';
    AppendJsonString(out, value);
  };
  member("decision_id", receipt.decision_id, true);
  member("rule_base_hash", receipt.rule_base_hash);
  member("loket_version", receipt.loket_version);
  member("jurisdiction", receipt.jurisdiction);
  member("reference_date", receipt.reference_date);
  member("decided_at", receipt.decided_at);
  out += '}';
  return out;
}

}  // namespace loket
