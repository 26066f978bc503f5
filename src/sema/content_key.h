// Content keys of layers, for caches that keep per-layer results across re-checks of an
// edited rule base (the conflict analysis, the graph's per-jurisdiction cycle check).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sema/model.h"

namespace loket::sema {

// One key per layer, indexed like model.layers: the place (file id and byte range) of the
// layer's header and of every declaration it owns, the text of the files they are in, its
// validity and that of its files, combined with the same of every layer above it. Layers
// with equal keys (in one model or in two models checked one after the other) have the same
// declarations, written the same way at the same places, under the same chain of layers.
// `file_hashes`: TextHash of every file's text by file id, when the caller knows them (say,
// remembered for unchanged files); computed when null. Keys are stable within one process.
// `files_by_text`: a file is named by its text alone, not its id, so that two rule bases
// whose copies of a file have different ids (the two sides of `loket diff`) compare equal.
std::vector<std::uint64_t> ChainKeys(const Model& model,
                                     const std::vector<std::uint64_t>* file_hashes = nullptr,
                                     bool files_by_text = false);

// The hash of a file's text that ChainKeys uses.
std::uint64_t TextHash(std::string_view text);

// Combines a value into a hash (splitmix64's finaliser over the pair): the one mixing step of
// every content key (ChainKeys, the cones of cone.h, the analysis' unit keys).
std::uint64_t MixKey(std::uint64_t hash, std::uint64_t value);

}  // namespace loket::sema
