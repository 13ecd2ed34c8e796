// Stable names of the inbox enums and the manual case transitions.
#include "core/inbox.h"

#include <array>
#include <utility>

namespace humas {
namespace {

template <typename E, size_t N>
std::optional<E> Find(const std::array<std::pair<E, std::string_view>, N>& names,
                      std::string_view s) {
  for (const auto& [e, n] : names)
    if (n == s) return e;
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& names, E e) {
  for (const auto& [v, n] : names)
    if (v == e) return n;
  return "";
}

constexpr std::array<std::pair<CaseState, std::string_view>, 6> kCaseStates = {{
    {CaseState::kBaru, "baru"},
    {CaseState::kDibuka, "dibuka"},
    {CaseState::kMenungguInstansi, "menunggu_instansi"},
    {CaseState::kDijawab, "dijawab"},
    {CaseState::kSelesai, "selesai"},
    {CaseState::kDibukaKembali, "dibuka_kembali"},
}};
constexpr std::array<std::pair<CasePriority, std::string_view>, 4> kPriorities = {{
    {CasePriority::kRendah, "rendah"},
    {CasePriority::kNormal, "normal"},
    {CasePriority::kTinggi, "tinggi"},
    {CasePriority::kMendesak, "mendesak"},
}};
constexpr std::array<std::pair<DispositionState, std::string_view>, 5> kDispositionStates = {{
    {DispositionState::kMenunggu, "menunggu"},
    {DispositionState::kDijawab, "dijawab"},
    {DispositionState::kSebagian, "sebagian"},
    {DispositionState::kDitolak, "ditolak"},
    {DispositionState::kDiteruskan, "diteruskan"},
}};
constexpr std::array<std::pair<ReplyState, std::string_view>, 6> kReplyStates = {{
    {ReplyState::kDraft, "draft"},
    {ReplyState::kAwaitingApproval, "awaiting_approval"},
    {ReplyState::kQueued, "queued"},
    {ReplyState::kSending, "sending"},
    {ReplyState::kSent, "sent"},
    {ReplyState::kFailed, "failed"},
}};

}  // namespace

std::string_view ToString(CaseState s) { return Name(kCaseStates, s); }
std::optional<CaseState> ParseCaseState(std::string_view s) { return Find(kCaseStates, s); }
bool NeedsAnswer(std::string_view k) {
  return k == "pertanyaan" || k == "keluhan" || k == "kritik" || k == "saran";
}

bool IsOpen(CaseState s) { return s != CaseState::kSelesai; }

bool IsManualTransition(CaseState from, CaseState to) {
  using S = CaseState;
  switch (to) {
    case S::kDibuka:
      return from == S::kBaru || from == S::kDijawab;
    case S::kSelesai:
      return from == S::kBaru || from == S::kDibuka || from == S::kDibukaKembali ||
             from == S::kDijawab;
    case S::kDibukaKembali:
      return from == S::kSelesai;
    default:
      return false;
  }
}

std::string_view ToString(CasePriority p) { return Name(kPriorities, p); }
std::optional<CasePriority> ParseCasePriority(std::string_view s) { return Find(kPriorities, s); }
std::string_view ToString(DispositionState s) { return Name(kDispositionStates, s); }
std::optional<DispositionState> ParseDispositionState(std::string_view s) {
  return Find(kDispositionStates, s);
}
std::string_view ToString(ReplyState s) { return Name(kReplyStates, s); }
std::optional<ReplyState> ParseReplyState(std::string_view s) { return Find(kReplyStates, s); }

}  // namespace humas
