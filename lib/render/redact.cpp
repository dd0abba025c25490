// `redact`: the report with its addresses masked, one token per address (see render.hpp).
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <vector>

#include "casreport/detail/ascii.hpp"
#include "casreport/render.hpp"

namespace casreport {
namespace {

class masker {
public:
    /// The token of a user, given on first sight.
    const std::string& user(const std::string& address) { return assign(address, "user-", users_); }

    /// The key of an unknown service: one written like an address (it keeps its `@`, see
    /// `other_service_key`) gets a token of its own, `service-001`...; any other is scrubbed.
    std::string service(const std::string& key) {
        if (key.find('@') == std::string::npos) return scrub(key);
        return assign("service:" + key, "service-", services_);
    }

    /// A sender's token: the user's own when the sender is a known user.
    const std::string& sender(const std::string& address) {
        const auto it = tokens_.find(address);
        if (it != tokens_.end()) return it->second;
        return assign(address, "sender-", senders_);
    }

    /// `text` with every address in it replaced by its token, or by "[REDACTED]" when the
    /// address is not one of the report's, and every known user that is not an address (at
    /// least three bytes long) replaced by its token.
    [[nodiscard]] std::string scrub(std::string_view text) const {
        std::string out;
        std::size_t done = 0;  // text[0, done) is in `out`
        for (std::size_t at = text.find('@'); at != std::string_view::npos;
             at = text.find('@', at + 1)) {
            if (at < done) continue;
            std::size_t b = at;
            while (b > done && local_char(text[b - 1])) --b;
            std::size_t e = at + 1;
            while (e < text.size() && domain_char(text[e])) ++e;
            while (e > at + 1 && text[e - 1] == '.') --e;
            // Without a local part it is no address. A domain without a dot is masked all the
            // same: an excerpt cut short ("alice@exa…") or a local name (`root@localhost`).
            if (b == at) continue;
            std::string address;
            detail::append_lower(address, text.substr(b, e - b));
            replace_names(out, text.substr(done, b - done));
            // A known address may run into more text that looks like a domain
            // ("a@x.jp.ndjson"): try it without its last labels before giving up.
            auto it = tokens_.find(address);
            for (std::size_t cut = address.rfind('.');
                 it == tokens_.end() && cut != std::string::npos && cut > address.find('@');
                 cut = address.rfind('.', cut - 1)) {
                it = tokens_.find(address.substr(0, cut));
                if (it != tokens_.end()) e = b + cut;
            }
            out += it != tokens_.end() ? it->second : std::string("[REDACTED]");
            done = e;
        }
        replace_names(out, text.substr(done));
        return out;
    }

private:
    const std::string& assign(const std::string& address, std::string_view prefix,
                              std::size_t& counter) {
        const auto [it, added] = tokens_.try_emplace(address);
        if (added) {
            char digits[24];
            std::snprintf(digits, sizeof digits, "%03zu", ++counter);
            it->second = std::string(prefix) + digits;
        }
        return it->second;
    }

    static bool local_char(char c) {
        return detail::is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80 ||
               std::string_view("._%+-'").find(c) != std::string_view::npos;
    }
    static bool domain_char(char c) {
        return detail::is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80 || c == '.' ||
               c == '-';
    }

    /// Appends `s` with the known users that are not addresses replaced, longest first.
    void replace_names(std::string& out, std::string_view s) const {
        const std::vector<const token*>& names = names_longest_first();
        if (names.empty()) {
            out.append(s);
            return;
        }
        for (std::size_t i = 0; i < s.size();) {
            const auto c = static_cast<unsigned char>(s[i]);
            const auto hit = !starts_[c]
                                 ? names.end()
                                 : std::find_if(names.begin(), names.end(), [&](const token* n) {
                                       return s.substr(i, n->first.size()) == n->first;
                                   });
            if (hit == names.end()) {
                out += s[i++];
                continue;
            }
            out += (*hit)->second;
            i += (*hit)->first.size();
        }
    }

    using token = std::pair<const std::string, std::string>;

    /// The known users that are not addresses (three bytes or more), longest first, and the
    /// bytes they start with: made again only after a new token (`scrub` runs for every
    /// string of the report).
    const std::vector<const token*>& names_longest_first() const {
        if (names_for_ == tokens_.size()) return names_;
        names_.clear();
        starts_.fill(false);
        for (const token& entry : tokens_) {
            if (entry.first.size() >= 3 && entry.first.find('@') == std::string::npos) {
                names_.push_back(&entry);
                starts_[static_cast<unsigned char>(entry.first[0])] = true;
            }
        }
        std::stable_sort(names_.begin(), names_.end(), [](const token* a, const token* b) {
            return a->first.size() > b->first.size();
        });
        names_for_ = tokens_.size();
        return names_;
    }

    std::map<std::string, std::string> tokens_;  // address → token (only ever added to)
    mutable std::vector<const token*> names_;    // of `names_longest_first`
    mutable std::array<bool, 256> starts_{};
    mutable std::size_t names_for_ = static_cast<std::size_t>(-1);  // tokens_.size() then
    std::size_t users_ = 0;
    std::size_t senders_ = 0;
    std::size_t services_ = 0;
};

/// Masks `r` in place with `m`'s tokens, giving new ones in the order of the report.
void redact_with(masker& m, report& out) {
    for (section_report& s : out.sections) {
        for (user_row& row : s.top) {
            if (!row.user.empty()) row.user = m.user(row.user);
        }
    }
    for (finding& f : out.findings) {
        for (finding_subject& s : f.subjects) {
            if (s.type == finding_subject::kind::user && !s.name.empty()) s.name = m.user(s.name);
        }
    }
    for (finding& f : out.findings) {
        for (finding_subject& s : f.subjects) {
            if (s.type == finding_subject::kind::sender && !s.name.empty()) {
                s.name = m.sender(s.name);
            }
        }
    }
    for (finding& f : out.findings) {
        for (finding_subject& s : f.subjects) {
            if (s.type == finding_subject::kind::threat || s.type == finding_subject::kind::file) {
                s.name = m.scrub(s.name);
            }
        }
    }
    for (rejection& j : out.input.rejections) {
        j.source = m.scrub(j.source);
        j.detail = m.scrub(j.detail);
    }
    for (service_counts& c : out.other_services) c.key = m.service(c.key);
}

}  // namespace

report redact(const report& r) {
    report out = r;
    masker m;
    redact_with(m, out);
    return out;
}

redacted_reports redact(const report& current, const report& previous) {
    redacted_reports out{current, previous};
    masker m;
    redact_with(m, out.current);  // first: its tokens are those of redact(current)
    redact_with(m, out.previous);
    out.previous.generator = m.scrub(previous.generator);  // from outside, and printed
    return out;
}

}  // namespace casreport
