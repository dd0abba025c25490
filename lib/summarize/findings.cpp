#include "findings.hpp"

#include <algorithm>
#include <utility>

namespace casreport::detail {
namespace {

using subject_kind = finding_subject::kind;

const section_tally& of(const tally& t, section s) {
    return t.sections[static_cast<std::size_t>(s)];
}

/// The subjects a finding lists, and how many more qualified but were left out.
struct subject_list {
    std::vector<finding_subject> items;
    std::uint64_t more = 0;
};

/// Users whose count is at least `min` (and not zero), ranked, at most `max` of them.
/// `skip_unknown`: the unknown user (empty address) is not a person and is left out.
subject_list user_subjects(const std::vector<std::uint64_t>& counts, const string_pool& pool,
                           std::size_t max, std::uint64_t min = 1, bool skip_unknown = false) {
    // Count descending, then name ascending by bytes. Rank (count, id) pairs and name only the
    // `max` that are kept: a section can hold tens of thousands of users, and copying every
    // name to sort them cost more than the whole rule.
    const std::uint32_t unknown = skip_unknown ? pool.find({}) : string_pool::none;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> ranked;
    for (std::uint32_t id = 0; id < counts.size(); ++id) {
        const std::uint64_t n = counts[id];
        if (n == 0 || n < min || id == unknown) continue;
        ranked.emplace_back(n, id);
    }
    const auto first = [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return pool.at(a.second) < pool.at(b.second);
    };
    const std::size_t k = std::min(max, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), ranked.end(),
                      first);
    subject_list out;
    out.items.reserve(k);
    for (std::size_t i = 0; i < k; ++i) {
        out.items.push_back(
            {subject_kind::user, std::string(pool.at(ranked[i].second)), ranked[i].first, 0});
    }
    out.more = ranked.size() - k;
    return out;
}

std::uint64_t sum(const std::vector<finding_subject>& subjects) {
    std::uint64_t n = 0;
    for (const finding_subject& s : subjects) n += s.count;
    return n;
}

finding make(std::string_view rule, severity level, std::optional<section> where,
             std::uint64_t count, subject_list subjects) {
    finding f;
    f.rule = std::string(rule);
    f.level = level;
    f.where = where;
    f.count = count;
    f.subjects = std::move(subjects.items);
    f.more_subjects = subjects.more;
    return f;
}

// ---- threat_left_in_place ----------------------------------------------------------------

void threat_left_in_place(const tally& t, const string_pool& pool, std::size_t max,
                          std::vector<finding>& out) {
    for (section s : {section::malware, section::web_reputation, section::virtual_analyzer,
                      section::ransomware}) {
        // Only threats count (`is_threat`): a Virtual Analyzer verdict of low, no risk or
        // unknown that was let through left nothing dangerous behind.
        const section_tally& st = of(t, s);
        const std::uint64_t n = st.unremediated;
        if (n == 0) continue;
        const severity level = s == section::ransomware ? severity::critical : severity::high;
        out.push_back(make("threat_left_in_place", level, s, n,
                           user_subjects(st.unremediated_by_user, pool, max)));
    }
}

// ---- targeted_attack_company -------------------------------------------------------------

/// The mail detections of the ATP sections, grouped by user (a counting sort of the store):
/// user `u`'s entries are [first[u], first[u + 1]). An entry holds the subject slots of its
/// detection (see `targeted_attack_company`), its section and its count (1 per record; a
/// de-duplication-off group of more than `max_count` records takes several entries).
class mail_by_user {
public:
    static constexpr std::uint64_t max_count = (std::uint64_t{1} << 29) - 1;
    static constexpr std::uint32_t no_subject = 0xffffffffU;

    struct entry {
        std::uint32_t subject[3];  // slot, or no_subject
        std::uint32_t packed;      // count << 3 | section
        [[nodiscard]] std::size_t where() const noexcept { return packed & 7U; }
        [[nodiscard]] std::uint64_t count() const noexcept { return packed >> 3; }
    };

    /// `slot_of(kind, pool id)`: the slot of a subject, or `no_subject`.
    template <class SlotOf>
    mail_by_user(const partial_state& st, SlotOf&& slot_of) {
        first_.assign(st.users.size() + 1, 0);
        for_each_mail_detection(st, [&](const detail_tally& d) {
            first_[d.user + 1] += static_cast<std::uint32_t>((d.count + max_count - 1) / max_count);
        });
        for (std::size_t u = 1; u < first_.size(); ++u) first_[u] += first_[u - 1];
        entries_.resize(first_.back());
        std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
        for_each_mail_detection(st, [&](const detail_tally& d) {
            const mail_detail& m = st.details[d.detail - 1];
            entry e{{slot_of(0, m.sender), slot_of(1, m.threat), slot_of(2, m.file)}, 0};
            for (std::uint64_t left = d.count; left > 0;) {
                const std::uint64_t c = std::min(left, max_count);
                e.packed = static_cast<std::uint32_t>(c << 3 | static_cast<unsigned>(d.where));
                entries_[next[d.user]++] = e;
                left -= c;
            }
        });
    }

    [[nodiscard]] std::size_t users() const noexcept { return first_.size() - 1; }
    [[nodiscard]] const std::vector<entry>& entries() const noexcept { return entries_; }

    /// Calls `f(const entry&)` for each entry of user `u`.
    template <class F>
    void for_user(std::uint32_t u, F&& f) const {
        for (std::uint32_t i = first_[u]; i < first_[u + 1]; ++i) f(entries_[i]);
    }

private:
    std::vector<std::uint32_t> first_;
    std::vector<entry> entries_;
};

void targeted_attack_company(const partial_state& st, const finding_policy& policy,
                             std::vector<finding>& out) {
    // Subjects are senders, threat names and file hashes: slot `kind * strings + pool id`
    // (kinds 0..2 here, `subject_kind` 1..3); "" is no subject. Walking the detections user by
    // user counts each subject's distinct users exactly with one "last user seen" per slot: no
    // set of users is ever kept, however many one-off senders and files a month brings.
    const std::size_t strings = st.strings.size();
    const std::uint32_t empty = st.strings.find({});
    const mail_by_user by_user(st, [&](std::size_t kind, std::uint32_t id) {
        return id == empty ? mail_by_user::no_subject
                           : static_cast<std::uint32_t>(kind * strings + id);
    });
    // 8 bytes a slot: a month brings about one file hash per mail detection, and this table,
    // three slots per pooled string, is allocated while everything else is still held. A
    // subject's detections are counted only once it qualifies.
    struct subject_state {
        std::uint32_t mark = 0;  // last user + 1 while counting; then the qualified index + 1
        std::uint32_t distinct = 0;
    };
    std::vector<subject_state> subjects(3 * strings);
    for (std::uint32_t u = 0; u < by_user.users(); ++u) {
        by_user.for_user(u, [&](const mail_by_user::entry& e) {
            for (const std::uint32_t slot : e.subject) {
                if (slot == mail_by_user::no_subject) continue;
                subject_state& s = subjects[slot];
                if (s.mark != u + 1) {
                    s.mark = u + 1;
                    ++s.distinct;
                }
            }
        });
    }
    // The subjects that reached enough people, and where their detections fell.
    std::vector<std::uint32_t> qualified;  // slots
    for (std::size_t slot = 0; slot < subjects.size(); ++slot) {
        subject_state& s = subjects[slot];
        s.mark = 0;
        if (s.distinct >= policy.company_min_users) {
            qualified.push_back(static_cast<std::uint32_t>(slot));
            s.mark = static_cast<std::uint32_t>(qualified.size());
        }
    }
    if (qualified.empty()) return;
    std::vector<std::array<std::uint64_t, section_count>> by_section(qualified.size());
    for (const mail_by_user::entry& e : by_user.entries()) {
        for (const std::uint32_t slot : e.subject) {
            if (slot == mail_by_user::no_subject) continue;
            const std::uint32_t q = subjects[slot].mark;
            if (q != 0) by_section[q - 1][e.where()] += e.count();
        }
    }
    // Each subject's home: the section where most of its detections fell (ties go to the
    // earlier section). One finding per home section.
    std::vector<std::uint8_t> home_of(qualified.size());
    std::array<std::vector<finding_subject>, section_count> groups;
    for (std::size_t q = 0; q < qualified.size(); ++q) {
        const auto& b = by_section[q];
        std::size_t home = 0;
        for (std::size_t i = 1; i < section_count; ++i) {
            if (b[i] > b[home]) home = i;
        }
        home_of[q] = static_cast<std::uint8_t>(home);
        const std::uint32_t slot = qualified[q];
        const subject_state& s = subjects[slot];
        std::uint64_t count = 0;
        for (const std::uint64_t n : b) count += n;
        groups[home].push_back(
            {static_cast<subject_kind>(slot / strings + 1),
             std::string(st.strings.at(static_cast<std::uint32_t>(slot % strings))), count,
             s.distinct});
    }
    // Each finding counts every mail detection that carries one of its subjects, once.
    std::array<std::uint64_t, section_count> counts{};
    for (const mail_by_user::entry& e : by_user.entries()) {
        std::array<bool, section_count> hit{};
        for (const std::uint32_t slot : e.subject) {
            if (slot == mail_by_user::no_subject) continue;
            const std::uint32_t q = subjects[slot].mark;
            if (q != 0) hit[home_of[q - 1]] = true;
        }
        for (std::size_t s = 0; s < section_count; ++s) {
            if (hit[s]) counts[s] += e.count();
        }
    }
    for (std::size_t s = 0; s < section_count; ++s) {
        std::vector<finding_subject>& group = groups[s];
        if (group.empty()) continue;
        std::sort(group.begin(), group.end(),
                  [](const finding_subject& a, const finding_subject& b) {
                      if (a.distinct_users != b.distinct_users)
                          return a.distinct_users > b.distinct_users;
                      if (a.count != b.count) return a.count > b.count;
                      if (a.type != b.type) return a.type < b.type;
                      return a.name < b.name;
                  });
        subject_list listed{std::move(group), 0};
        if (listed.items.size() > policy.max_subjects) {
            listed.more = listed.items.size() - policy.max_subjects;
            listed.items.resize(policy.max_subjects);
        }
        out.push_back(make("targeted_attack_company", severity::high, static_cast<section>(s),
                           counts[s], std::move(listed)));
    }
}

// ---- targeted_attack_individual ----------------------------------------------------------

void targeted_attack_individual(const tally& t, const string_pool& pool,
                                const finding_policy& policy, std::vector<finding>& out) {
    // The attack signals only (`is_attack_signal`): never file blocking, which has its own
    // rule, and in the Virtual Analyzer only risk high or medium, for both the user's count
    // and the section's total it is a share of.
    for (section s : {section::malware, section::web_reputation, section::virtual_analyzer}) {
        const section_tally& st = of(t, s);
        std::vector<std::uint64_t> qualified(st.mail_by_user.size(), 0);
        for (std::size_t id = 0; id < qualified.size(); ++id) {
            const std::uint64_t n = st.mail_by_user[id];
            if (n >= policy.individual_min_count &&
                percent_tenths(n, st.signals) >= policy.individual_min_share_tenths) {
                qualified[id] = n;
            }
        }
        subject_list subjects = user_subjects(qualified, pool, policy.max_subjects, 1, true);
        if (subjects.items.empty()) continue;
        std::uint64_t n = sum(subjects.items);
        if (subjects.more > 0) {
            // Counted over every qualified user, not only the listed ones.
            n = 0;
            for (const std::uint64_t c : qualified) n += c;
        }
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
    subject_list subjects =
        user_subjects(st.by_user, pool, policy.max_subjects,
                      std::max<std::uint64_t>(policy.file_blocking_min_count, 1));
    if (subjects.items.empty()) return;
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

std::vector<finding> tally_findings(const tally& t, const partial_state& st,
                                    const finding_policy& policy) {
    const std::size_t max = policy.max_subjects;
    std::vector<finding> out;
    threat_left_in_place(t, st.users, max, out);
    targeted_attack_individual(t, st.users, policy, out);
    dlp(t, st.users, max, out);
    va_risky(t, st.users, max, out);
    ransomware(t, st.users, max, out);
    file_blocking_review(t, st.users, policy, out);
    return out;
}

}  // namespace casreport::detail
