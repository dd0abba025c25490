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

/// How far one sender, threat name or file hash reached by mail in the ATP sections.
struct reach {
    std::uint64_t count = 0;
    std::vector<std::uint32_t> users;  ///< with repeats until `settle`
    std::array<std::uint64_t, section_count> by_section{};

    void settle() {
        std::sort(users.begin(), users.end());
        users.erase(std::unique(users.begin(), users.end()), users.end());
    }
    /// The section where most of its detections fell; ties go to the earlier section.
    [[nodiscard]] section home() const {
        std::size_t best = 0;
        for (std::size_t i = 1; i < section_count; ++i) {
            if (by_section[i] > by_section[best]) best = i;
        }
        return static_cast<section>(best);
    }
};

using subject_key = std::pair<subject_kind, std::uint32_t>;  // kind, string_pool id

/// The three subjects of a mail detail; empty values (an unknown sender, no threat name, no
/// hash: the pool's id `empty` of "") are no subject at all.
std::array<std::optional<subject_key>, 3> subjects_of(const mail_detail& d, std::uint32_t empty) {
    const auto key = [&](subject_kind k, std::uint32_t id) -> std::optional<subject_key> {
        if (id == empty) return std::nullopt;
        return subject_key{k, id};
    };
    return {key(subject_kind::sender, d.sender), key(subject_kind::threat, d.threat),
            key(subject_kind::file, d.file)};
}

void targeted_attack_company(const partial_state& st, const finding_policy& policy,
                             std::vector<finding>& out) {
    // Pass 1, over every mail detection: which subjects reach at least `need` distinct users.
    // Each subject keeps at most `need` users in flat arrays (by kind and string id), so this
    // stays linear and small however many one-off senders and files a month brings.
    const std::uint32_t need = policy.company_min_users;
    const std::size_t strings = st.strings.size();
    const std::uint32_t empty = st.strings.find({});
    // Subject kinds are sender, threat and file (1..3): one row of `strings` slots each.
    const auto slot = [&](const subject_key& k) {
        return (static_cast<std::size_t>(k.first) - 1) * strings + k.second;
    };
    std::vector<std::uint32_t> seen_count(3 * strings, 0);
    std::vector<std::uint32_t> seen(3 * strings * need, 0);
    for_each_mail_detection(st, [&](const detail_tally& d) {
        for (const auto& key : subjects_of(st.details[d.detail - 1], empty)) {
            if (!key) continue;
            const std::size_t i = slot(*key);
            std::uint32_t& n = seen_count[i];
            if (n >= need) continue;
            const auto first = seen.begin() + static_cast<std::ptrdiff_t>(i * need);
            if (std::find(first, first + n, d.user) == first + n) first[n++] = d.user;
        }
    });
    // Pass 2: the exact reach of the subjects that qualified, indexed by slot.
    constexpr std::uint32_t none = 0xffffffffU;
    std::vector<std::uint32_t> reach_of(3 * strings, none);
    std::vector<std::pair<subject_key, reach>> reaches;
    for_each_mail_detection(st, [&](const detail_tally& d) {
        for (const auto& key : subjects_of(st.details[d.detail - 1], empty)) {
            if (!key) continue;
            const std::size_t i = slot(*key);
            if (seen_count[i] < need) continue;
            if (reach_of[i] == none) {
                reach_of[i] = static_cast<std::uint32_t>(reaches.size());
                reaches.emplace_back(*key, reach{});
            }
            reach& r = reaches[reach_of[i]].second;
            r.count += d.count;
            r.users.push_back(d.user);
            r.by_section[static_cast<std::size_t>(d.where)] += d.count;
        }
    });
    // Subjects that reached enough people, grouped by the section where they mostly struck.
    std::array<std::vector<std::pair<subject_key, const reach*>>, section_count> groups;
    std::vector<std::int8_t> home_of(3 * strings, -1);  // by slot; -1: not a subject
    bool any = false;
    for (auto& [key, r] : reaches) {
        r.settle();
        if (r.users.size() < policy.company_min_users) continue;
        const auto home = static_cast<std::size_t>(r.home());
        groups[home].emplace_back(key, &r);
        home_of[slot(key)] = static_cast<std::int8_t>(home);
        any = true;
    }
    if (!any) return;
    // Each finding counts every mail detection that carries one of its subjects, once.
    std::array<std::uint64_t, section_count> counts{};
    for_each_mail_detection(st, [&](const detail_tally& d) {
        std::array<bool, section_count> hit{};
        for (const auto& key : subjects_of(st.details[d.detail - 1], empty)) {
            if (!key) continue;
            const std::int8_t home = home_of[slot(*key)];
            if (home >= 0) hit[static_cast<std::size_t>(home)] = true;
        }
        for (std::size_t s = 0; s < section_count; ++s) {
            if (hit[s]) counts[s] += d.count;
        }
    });
    for (std::size_t s = 0; s < section_count; ++s) {
        const auto& group = groups[s];
        if (group.empty()) continue;
        std::vector<finding_subject> subjects;
        for (const auto& [key, r] : group) {
            subjects.push_back({key.first, std::string(st.strings.at(key.second)), r->count,
                                static_cast<std::uint64_t>(r->users.size())});
        }
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

std::vector<finding> evaluate_findings(const tally& t, const partial_state& st,
                                       const finding_policy& policy) {
    const std::size_t max = policy.max_subjects;
    std::vector<finding> out;
    threat_left_in_place(t, st.users, max, out);
    targeted_attack_company(st, policy, out);
    targeted_attack_individual(t, st.users, policy, out);
    dlp(t, st.users, max, out);
    va_risky(t, st.users, max, out);
    ransomware(t, st.users, max, out);
    file_blocking_review(t, st.users, policy, out);
    sort_findings(out);
    return out;
}

}  // namespace casreport::detail
