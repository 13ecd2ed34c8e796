// Applying the language engine's pipeline to incoming mentions.
#include "ingest/labeling.h"

#include <memory>

#include "nlp/pipeline.h"
#include "nlp/word_cache.h"

namespace humas::ingest {

LabelCache::LabelCache(size_t capacity, size_t max_text_bytes)
    : per_shard_(std::max<size_t>(1, capacity / kShards)), max_text_bytes_(max_text_bytes) {}

std::uint64_t LabelCache::Hash(std::string_view text) {
  return nlp::HashKey(text);  // the shard is taken from the top bits
}

std::optional<MentionLabels> LabelCache::Find(std::string_view text) {
  MentionLabels labels;
  if (!FindHashed(text, Hash(text), &labels)) return std::nullopt;
  return labels;
}

void LabelCache::Add(std::string_view text, const MentionLabels& labels) {
  AddHashed(text, Hash(text), labels);
}

bool LabelCache::FindHashed(std::string_view text, std::uint64_t hash, MentionLabels* out) {
  if (text.size() > max_text_bytes_) return false;
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  if (auto it = shard.current.find(hash); it != shard.current.end() && it->second.text == text) {
    ++shard.hits;
    *out = it->second.labels;
    return true;
  }
  if (auto it = shard.previous.find(hash); it != shard.previous.end() && it->second.text == text) {
    ++shard.hits;
    *out = it->second.labels;
    // Still in use: keep it in the current generation so it survives the next rotation.
    if (shard.current.size() < per_shard_) shard.current.emplace(hash, it->second);
    return true;
  }
  ++shard.misses;
  return false;
}

void LabelCache::AddHashed(std::string_view text, std::uint64_t hash, const MentionLabels& labels) {
  if (text.size() > max_text_bytes_) return;
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  if (shard.current.size() >= per_shard_) {
    shard.previous = std::move(shard.current);
    shard.current = Map();
  }
  Entry& e = shard.current[hash];
  e.text.assign(text);
  e.labels = labels;
}

template <typename F>
size_t LabelCache::Sum(F per_shard) const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += per_shard(s);
  }
  return n;
}

size_t LabelCache::hits() const {
  return Sum([](const Shard& s) { return s.hits; });
}
size_t LabelCache::misses() const {
  return Sum([](const Shard& s) { return s.misses; });
}
size_t LabelCache::size() const {
  return Sum([](const Shard& s) { return s.current.size() + s.previous.size(); });
}

Result<Labeler> LoadLabeler(const std::string& models_dir, size_t cache_capacity) {
  auto pipeline = nlp::Pipeline::Load(models_dir);
  if (!pipeline.ok()) return pipeline.status();
  // shared_ptr: the Labeler is a copyable std::function and every copy uses the same models.
  std::shared_ptr<const nlp::Pipeline> shared = std::move(pipeline).value();
  if (cache_capacity == 0)
    return Labeler([shared](MentionInput* m) { m->labels = shared->Label(m->text); });
  auto cache = std::make_shared<LabelCache>(cache_capacity);
  return Labeler([shared, cache](MentionInput* m) {
    cache->Get(
        m->text, [&shared](std::string_view text) { return shared->Label(text); }, &m->labels);
  });
}

}  // namespace humas::ingest
