// The file's text as ANTLR's lexer reads it: code points, straight from the UTF-8 bytes.
// ANTLRInputStream copies the text into UTF-32 (4.9 holds about 20 bytes per byte of input
// while lexing: 340 MB for a 15 MB file of comments); this reads the bytes in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"

namespace loket::syntax {

class Utf8CharStream : public antlr4::CharStream {
 public:
  // `text` is valid UTF-8 (checked before parsing). `byte_of_code_point` holds the offset of
  // every code point plus one past the end, each `base` more than its index in `text`; it is
  // empty when the text is ASCII (then code points and bytes agree). Both must outlive this.
  Utf8CharStream(std::string_view text, const std::vector<std::uint32_t>& byte_of_code_point,
                 std::uint32_t base);

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }  // the whole text stays: nothing to keep
  void release(ssize_t) override {}
  size_t index() override { return position_; }
  void seek(size_t index) override { position_ = index < size_ ? index : size_; }
  size_t size() override { return size_; }
  std::string getSourceName() const override { return "<loket>"; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string toString() const override { return std::string(text_); }

 private:
  std::size_t Byte(std::size_t code_point) const;

  std::string_view text_;
  const std::vector<std::uint32_t>& byte_of_code_point_;
  std::uint32_t base_;
  std::size_t size_;  // in code points
  std::size_t position_ = 0;
};

}  // namespace loket::syntax
