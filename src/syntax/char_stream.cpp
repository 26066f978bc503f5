#include "syntax/char_stream.h"

namespace loket::syntax {

Utf8CharStream::Utf8CharStream(std::string_view text,
                               const std::vector<std::uint32_t>& byte_of_code_point,
                               std::uint32_t base)
    : text_(text),
      byte_of_code_point_(byte_of_code_point),
      base_(base),
      size_(byte_of_code_point.empty() ? text.size() : byte_of_code_point.size() - 1) {}

std::size_t Utf8CharStream::Byte(std::size_t code_point) const {
  if (byte_of_code_point_.empty()) return code_point < size_ ? code_point : size_;
  return byte_of_code_point_[code_point < size_ ? code_point : size_] - base_;
}

void Utf8CharStream::consume() {
  if (position_ >= size_) throw antlr4::IllegalStateException("cannot consume EOF");
  ++position_;
}

size_t Utf8CharStream::LA(ssize_t i) {
  if (i == 0) return 0;  // undefined
  const ssize_t at = static_cast<ssize_t>(position_) + (i > 0 ? i - 1 : i);
  if (at < 0 || static_cast<std::size_t>(at) >= size_) return antlr4::IntStream::EOF;
  const std::size_t byte = Byte(static_cast<std::size_t>(at));
  const auto lead = static_cast<unsigned char>(text_[byte]);
  if (lead < 0x80) return lead;
  // Valid UTF-8: the lead byte gives the length.
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  std::uint32_t code = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < length; ++k) {
    code = (code << 6) | (static_cast<unsigned char>(text_[byte + k]) & 0x3F);
  }
  return code;
}

std::string Utf8CharStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < interval.a) return {};
  const std::size_t begin = Byte(static_cast<std::size_t>(interval.a));
  const std::size_t end = Byte(static_cast<std::size_t>(interval.b) + 1);
  return std::string(text_.substr(begin, end - begin));
}

}  // namespace loket::syntax
