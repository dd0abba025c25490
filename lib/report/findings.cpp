#include "findings.hpp"

#include <algorithm>
#include <utility>

namespace casreport::detail {
namespace {

using subject_kind = finding_subject::kind;

const section_tally& of(const tally& t, section s) {
    return t.sections[static_cast<std::size_t>(s)];
}

/// Count descending, then name ascending by bytes.
bool before(const finding_subject& a, const finding_subject& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.name < b.name;
}

/// Users whose count is at least `min` (and not zero), ranked, at most `max` of them.
/// `skip_unknown`: the unknown user (empty address) is not a person and is left out.
std::vector<finding_subject> user_subjects(const std::vector<std::uint64_t>& counts,
                                           const string_pool& pool, std::size_t max,
                                           std::uint64_t min = 1, bool skip_unknown = false) {
    std::vector<finding_subject> out;
    for (std::uint32_t id = 0; id < counts.size(); ++id) {
        const std::uint64_t n = counts[id];
        if (n == 0 || n < min) continue;
        const std::string_view name = pool.at(id);
        if (skip_unknown && name.empty()) continue;
        out.push_back({subject_kind::user, std::string(name), n, 0});
    }
    std::sort(out.begin(), out.end(), before);
    if (out.size() > max) out.resize(max);
    return out;
}

std::uint64_t sum(const std::vector<finding_subject>& subjects) {
    std::uint64_t n = 0;
    for (const finding_subject& s : subjects) n += s.count;
    return n;
}

finding make(std::string_view rule, severity level, std::optional<section> where,
             std::uint64_t count, std::vector<finding_subject> subjects) {
    finding f;
    f.rule = std::string(rule);
    f.level = level;
    f.where = where;
    f.count = count;
    f.subjects = std::move(subjects);
    return f;
}

// ---- threat_left_in_place ----------------------------------------------------------------

void threat_left_in_place(const tally& t, const string_pool& pool, std::size_t max,
                          std::vector<finding>& out) {
    for (section s : {section::malware, section::web_reputation, section::virtual_analyzer,
                      section::ransomware}) {
        const section_tally& st = of(t, s);
        const std::uint64_t n = st.outcomes[static_cast<std::size_t>(outcome::left_in_place)] +
                                st.outcomes[static_cast<std::size_t>(outcome::failed)];
        if (n == 0) continue;
        const severity level = s == section::ransomware ? severity::critical : severity::high;
        out.push_back(make("threat_left_in_place", level, s, n,
                           user_subjects(st.unremediated_by_user, pool, max)));
    }
}

// ---- targeted_attack_company -------------------------------------------------------------

using subject_key = std::pair<subject_kind, std::uint32_t>;  // kind, string_pool id

/// The mail detections of the ATP sections, grouped by user (a counting sort of the store):
/// user `u`'s entries are [first[u], first[u + 1]). An entry is its detail id, its section and
/// its count (1 per record; a de-duplication-off group of more than `max_count` records takes
/// several entries).
class mail_by_user {
public:
    static constexpr std::uint64_t max_count = (std::uint64_t{1} << 29) - 1;

    explicit mail_by_user(const partial_state& st) {
        first_.assign(st.users.size() + 1, 0);
        for_each_mail_detection(st, [&](const detail_tally& d) {
            first_[d.user + 1] += static_cast<std::uint32_t>((d.count + max_count - 1) / max_count);
        });
        for (std::size_t u = 1; u < first_.size(); ++u) first_[u] += first_[u - 1];
        entries_.resize(first_.back());
        std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
        for_each_mail_detection(st, [&](const detail_tally& d) {
            for (std::uint64_t left = d.count; left > 0;) {
                const std::uint64_t c = std::min(left, max_count);
                entries_[next[d.user]++] = {d.detail, static_cast<std::uint32_t>(
                                                          c << 3 | static_cast<unsigned>(d.where))};
                left -= c;
            }
        });
    }

    [[nodiscard]] std::size_t users() const noexcept { return first_.size() - 1; }

    /// Calls `f(detail, section, count)` for each entry of user `u`.
    template <class F>
    void for_user(std::uint32_t u, F&& f) const {
        for (std::uint32_t i = first_[u]; i < first_[u + 1]; ++i) {
            const entry& e = entries_[i];
            f(e.detail, static_cast<std::size_t>(e.packed & 7U), std::uint64_t{e.packed >> 3});
        }
    }

private:
    struct entry {
        std::uint32_t detail;
        std::uint32_t packed;  // count << 3 | section
    };
    std::vector<std::uint32_t> first_;
    std::vector<entry> entries_;
};

void targeted_attack_company(const partial_state& st, const finding_policy& policy,
                             std::vector<finding>& out) {
    // Subjects are senders, threat names and file hashes (kinds 1..3), each kept in one row of
    // `strings` slots by its pool id; "" is no subject. Walking the detections user by user
    // counts each subject's distinct users exactly with one "last user seen" per slot: no set
    // of users is ever kept, however many one-off senders and files a month brings.
    const std::size_t strings = st.strings.size();
    const std::uint32_t empty = st.strings.find({});
    const mail_by_user by_user(st);
    const auto for_each_subject = [&](std::uint32_t detail, auto&& f) {
        const mail_detail& d = st.details[detail - 1];
        const std::uint32_t ids[3] = {d.sender, d.threat, d.file};
        for (std::size_t k = 0; k < 3; ++k) {
            if (ids[k] != empty) f(k * strings + ids[k]);
        }
    };
    std::vector<std::uint32_t> last_user(3 * strings, 0);  // user + 1
    std::vector<std::uint32_t> distinct(3 * strings, 0);
    std::vector<std::uint64_t> count(3 * strings, 0);
    for (std::uint32_t u = 0; u < by_user.users(); ++u) {
        by_user.for_user(u, [&](std::uint32_t detail, std::size_t, std::uint64_t n) {
            for_each_subject(detail, [&](std::size_t slot) {
                count[slot] += n;
                if (last_user[slot] != u + 1) {
                    last_user[slot] = u + 1;
                    ++distinct[slot];
                }
            });
        });
    }
    std::vector<std::uint32_t>().swap(last_user);
    // The subjects that reached enough people, and where their detections fell.
    constexpr std::uint32_t none = 0xffffffffU;
    std::vector<std::uint32_t> qualified_of(3 * strings, none);  // slot → index in `slots`
    std::vector<std::size_t> slots;
    for (std::size_t slot = 0; slot < 3 * strings; ++slot) {
        if (distinct[slot] >= policy.company_min_users) {
            qualified_of[slot] = static_cast<std::uint32_t>(slots.size());
            slots.push_back(slot);
        }
    }
    if (slots.empty()) return;
    std::vector<std::array<std::uint64_t, section_count>> by_section(slots.size());
    for (std::uint32_t u = 0; u < by_user.users(); ++u) {
        by_user.for_user(u, [&](std::uint32_t detail, std::size_t where, std::uint64_t n) {
            for_each_subject(detail, [&](std::size_t slot) {
                if (qualified_of[slot] != none) by_section[qualified_of[slot]][where] += n;
            });
        });
    }
    // Each subject's home: the section where most of its detections fell (ties go to the
    // earlier section). One finding per home section.
    std::vector<std::int8_t> home_of(slots.size());
    std::array<std::vector<finding_subject>, section_count> groups;
    for (std::size_t q = 0; q < slots.size(); ++q) {
        const auto& b = by_section[q];
        std::size_t home = 0;
        for (std::size_t i = 1; i < section_count; ++i) {
            if (b[i] > b[home]) home = i;
        }
        home_of[q] = static_cast<std::int8_t>(home);
        const std::size_t slot = slots[q];
        groups[home].push_back({static_cast<subject_kind>(slot / strings + 1),
                                std::string(st.strings.at(static_cast<std::uint32_t>(slot % strings))),
                                count[slot], distinct[slot]});
    }
    // Each finding counts every mail detection that carries one of its subjects, once.
    std::array<std::uint64_t, section_count> counts{};
    for (std::uint32_t u = 0; u < by_user.users(); ++u) {
        by_user.for_user(u, [&](std::uint32_t detail, std::size_t, std::uint64_t n) {
            std::array<bool, section_count> hit{};
            for_each_subject(detail, [&](std::size_t slot) {
                if (qualified_of[slot] != none) hit[static_cast<std::size_t>(home_of[qualified_of[slot]])] = true;
            });
            for (std::size_t s = 0; s < section_count; ++s) {
                if (hit[s]) counts[s] += n;
            }
        });
    }
    for (std::size_t s = 0; s < section_count; ++s) {
        std::vector<finding_subject>& subjects = groups[s];
        if (subjects.empty()) continue;
        std::sort(subjects.begin(), subjects.end(),
                  [](const finding_subject& a, const finding_subject& b) {
                      if (a.distinct_users != b.distinct_users) {
                          return a.distinct_users > b.distinct_users;
                      }
                      if (a.count != b.count) return a.count > b.count;
                      if (a.type != b.type) return a.type < b.type;
                      return a.name < b.name;
                  });
        if (subjects.size() > policy.max_subjects) subjects.resize(policy.max_subjects);
        out.push_back(make("targeted_attack_company", severity::high, static_cast<section>(s),
                           counts[s], std::move(subjects)));
    }
}

// ---- targeted_attack_individual ----------------------------------------------------------

void targeted_attack_individual(const tally& t, const string_pool& pool,
                                const finding_policy& policy, std::vector<finding>& out) {
    for (section s : all_sections) {
        if (!is_atp(s)) continue;
        const section_tally& st = of(t, s);
        std::vector<std::uint64_t> qualified(st.mail_by_user.size(), 0);
        for (std::size_t id = 0; id < qualified.size(); ++id) {
            const std::uint64_t n = st.mail_by_user[id];
            if (n >= policy.individual_min_count &&
                percent_tenths(n, st.total) >= policy.individual_min_share_tenths) {
                qualified[id] = n;
            }
        }
        auto subjects = user_subjects(qualified, pool, policy.max_subjects, 1, true);
        if (subjects.empty()) continue;
        const std::uint64_t n = sum(subjects);
        out.push_back(
            make("targeted_attack_individual", severity::medium, s, n, std::move(subjects)));
    }
}

// ---- DLP, Virtual Analyzer, ransomware, file blocking ------------------------------------

void dlp(const tally& t, const string_pool& pool, std::size_t max, std::vector<finding>& out) {
    const section_tally& st = of(t, section::dlp);
    if (st.channels[0] > 0) {
        out.push_back(make("dlp_mail", severity::high, section::dlp, st.channels[0],
                           user_subjects(st.mail_by_user, pool, max)));
    }
    if (st.channels[1] > 0) {
        std::vector<std::uint64_t> storage(st.by_user.size());
        for (std::size_t id = 0; id < storage.size(); ++id) {
            storage[id] = st.by_user[id] - st.mail_by_user[id];
        }
        out.push_back(make("dlp_storage", severity::medium, section::dlp, st.channels[1],
                           user_subjects(storage, pool, max)));
    }
}

void va_risky(const tally& t, const string_pool& pool, std::size_t max, std::vector<finding>& out) {
    const section_tally& st = of(t, section::virtual_analyzer);
    const std::uint64_t high = st.risk[static_cast<std::size_t>(risk_level::high)];
    const std::uint64_t medium = st.risk[static_cast<std::size_t>(risk_level::medium)];
    if (high + medium == 0) return;
    out.push_back(make("va_risky", high > 0 ? severity::high : severity::medium,
                       section::virtual_analyzer, high + medium,
                       user_subjects(st.risky_by_user, pool, max)));
}

void ransomware(const tally& t, const string_pool& pool, std::size_t max,
                std::vector<finding>& out) {
    const section_tally& st = of(t, section::ransomware);
    if (st.total == 0) return;
    out.push_back(make("ransomware", severity::critical, section::ransomware, st.total,
                       user_subjects(st.by_user, pool, max)));
}

void file_blocking_review(const tally& t, const string_pool& pool, const finding_policy& policy,
                          std::vector<finding>& out) {
    const section_tally& st = of(t, section::file_blocking);
    auto subjects = user_subjects(st.by_user, pool, policy.max_subjects,
                                  std::max<std::uint64_t>(policy.file_blocking_min_count, 1));
    if (subjects.empty()) return;
    // Counted over every user at the threshold, not only the listed ones.
    std::uint64_t n = 0;
    for (std::uint64_t c : st.by_user) {
        if (c != 0 && c >= policy.file_blocking_min_count) n += c;
    }
    out.push_back(make("file_blocking_review", severity::info, section::file_blocking, n,
                       std::move(subjects)));
}

}  // namespace

void sort_findings(std::vector<finding>& findings) {
    const auto order = [](const finding& f) {
        return f.where ? static_cast<std::size_t>(*f.where) : section_count;
    };
    std::stable_sort(findings.begin(), findings.end(), [&](const finding& a, const finding& b) {
        if (a.level != b.level) return a.level < b.level;
        if (order(a) != order(b)) return order(a) < order(b);
        if (a.count != b.count) return a.count > b.count;
        return a.rule < b.rule;
    });
}

std::vector<finding> state_findings(const partial_state& st, const finding_policy& policy) {
    std::vector<finding> out;
    targeted_attack_company(st, policy, out);
    return out;
}

std::vector<finding> evaluate_findings(const tally& t, const partial_state& st,
                                       const finding_policy& policy,
                                       std::vector<finding> from_state) {
    const std::size_t max = policy.max_subjects;
    std::vector<finding> out = std::move(from_state);
    threat_left_in_place(t, st.users, max, out);
    targeted_attack_individual(t, st.users, policy, out);
    dlp(t, st.users, max, out);
    va_risky(t, st.users, max, out);
    ransomware(t, st.users, max, out);
    file_blocking_review(t, st.users, policy, out);
    sort_findings(out);
    return out;
}

}  // namespace casreport::detail
