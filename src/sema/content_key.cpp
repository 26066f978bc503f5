#include "sema/content_key.h"

#include <functional>
#include <string_view>
#include <unordered_map>

namespace loket::sema {
namespace {

std::uint64_t MixText(std::uint64_t hash, std::string_view text) {
  hash = MixKey(hash, text.size());
  return MixKey(hash, std::hash<std::string_view>{}(text));
}

// The place of a declaration, and through its file's hash, its text.
struct Hasher {
  const std::vector<std::uint64_t>& file_hashes;
  bool files_by_text = false;

  std::uint64_t Range(std::uint64_t hash, source::SourceRange range) const {
    if (!files_by_text) hash = MixKey(hash, range.file);
    hash = MixKey(hash, range.begin);
    hash = MixKey(hash, range.end);
    if (range.valid() && range.file < file_hashes.size())
      hash = MixKey(hash, file_hashes[range.file]);
    return hash;
  }

  template <typename Decl>
  std::uint64_t Decls(std::uint64_t hash, const std::vector<Decl*>& decls) const {
    hash = MixKey(hash, decls.size());
    for (const auto* decl : decls) hash = Range(hash, decl->range);
    return hash;
  }
};

std::uint64_t MixDay(std::uint64_t hash, const std::optional<support::DayNumber>& day) {
  hash = MixKey(hash, day.has_value());
  return MixKey(hash, static_cast<std::uint64_t>(day.value_or(0)));
}

}  // namespace

std::uint64_t MixKey(std::uint64_t hash, std::uint64_t value) {
  std::uint64_t x = hash ^ (value + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2));
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

std::uint64_t TextHash(std::string_view text) {
  return MixText(0x54657874ull, text);
}

std::vector<std::uint64_t> ChainKeys(const Model& model,
                                     const std::vector<std::uint64_t>* file_hashes,
                                     bool files_by_text) {
  std::vector<std::uint64_t> computed;
  const std::size_t file_count = model.sources ? model.sources->file_count() : 0;
  if (!file_hashes || file_hashes->size() != file_count) {
    computed.reserve(file_count);
    for (source::FileId id = 0; id < file_count; ++id) {
      computed.push_back(TextHash(model.sources->text(id)));
    }
    file_hashes = &computed;
  }
  const Hasher hasher{*file_hashes, files_by_text};
  const std::size_t n = model.layers.size();
  std::unordered_map<std::string_view, std::size_t> index;  // by name: the first such layer
  std::unordered_map<const Layer*, std::size_t> position;
  for (std::size_t i = 0; i < n; ++i) {
    index.emplace(model.layers[i]->name, i);
    position.emplace(model.layers[i].get(), i);
  }

  std::vector<std::uint64_t> content(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Layer& layer = *model.layers[i];
    std::uint64_t h = MixText(0x4c6f6b6574ull, layer.name);
    h = MixKey(h, layer.header != nullptr);
    if (layer.header) h = hasher.Range(h, layer.header->range);
    h = MixDay(h, layer.validity.from);
    h = MixDay(h, layer.validity.until);
    h = hasher.Decls(h, layer.enums);
    h = hasher.Decls(h, layer.authorities);
    h = hasher.Decls(h, layer.laws);
    h = hasher.Decls(h, layer.domains);
    h = hasher.Decls(h, layer.facts);
    h = hasher.Decls(h, layer.params);
    h = hasher.Decls(h, layer.lets);
    h = hasher.Decls(h, layer.assumes);
    h = hasher.Decls(h, layer.decisions);
    h = hasher.Decls(h, layer.rules);
    content[i] = h;
  }
  // The validity written in each of a layer's files, in file order.
  for (const auto& file : model.files) {
    if (!file->header) continue;
    auto it = index.find(file->header->name);
    if (it == index.end()) continue;
    content[it->second] = hasher.Range(content[it->second], file->header->validity.range);
  }

  // The contents of the layer's chain, root first.
  std::vector<std::uint64_t> keys(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t key = 0x436861696eull;
    for (const Layer* layer : model.Chain(*model.layers[i])) {
      auto it = position.find(layer);
      key = MixKey(key, it != position.end() ? content[it->second] : 0);
    }
    keys[i] = key;
  }
  return keys;
}

}  // namespace loket::sema
