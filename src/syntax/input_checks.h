// Checks on the raw bytes of a file, before the lexer sees them.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace loket::syntax {

// Offset of the first byte that is not part of a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are ill-formed), or nothing if the text is valid.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

// Offset of the first NUL byte: text files never contain one.
std::optional<std::size_t> FindNulByte(std::string_view text);

// The longest prefix of valid UTF-8 `text` of at most `max_bytes` bytes that does not split
// a character: for quoting input in messages, which must stay valid UTF-8.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

}  // namespace loket::syntax
