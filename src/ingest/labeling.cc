// Applying the language engine's pipeline to incoming mentions.
#include "ingest/labeling.h"

#include <memory>

#include "nlp/pipeline.h"

namespace humas::ingest {

LabelCache::LabelCache(size_t capacity, size_t max_text_bytes)
    : per_shard_(std::max<size_t>(1, capacity / kShards)), max_text_bytes_(max_text_bytes) {}

std::optional<MentionLabels> LabelCache::Find(std::string_view text) {
  if (text.size() > max_text_bytes_) return std::nullopt;
  Shard& shard = ShardOf(Hash{}(text));
  std::lock_guard lock(shard.mu);
  if (auto it = shard.current.find(text); it != shard.current.end()) {
    ++shard.hits;
    return it->second;
  }
  if (auto it = shard.previous.find(text); it != shard.previous.end()) {
    ++shard.hits;
    MentionLabels labels = it->second;
    // Still in use: keep it in the current generation so it survives the next rotation.
    if (shard.current.size() < per_shard_) shard.current.emplace(it->first, labels);
    return labels;
  }
  ++shard.misses;
  return std::nullopt;
}

void LabelCache::Add(std::string_view text, const MentionLabels& labels) {
  if (text.size() > max_text_bytes_) return;
  Shard& shard = ShardOf(Hash{}(text));
  std::lock_guard lock(shard.mu);
  if (shard.current.size() >= per_shard_) {
    shard.previous = std::move(shard.current);
    shard.current = Map();
  }
  shard.current.insert_or_assign(std::string(text), labels);
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
    if (auto hit = cache->Find(m->text)) {
      m->labels = std::move(*hit);
      return;
    }
    m->labels = shared->Label(m->text);
    cache->Add(m->text, m->labels);
  });
}

}  // namespace humas::ingest
