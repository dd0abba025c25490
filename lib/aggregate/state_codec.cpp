#include "state_codec.hpp"

#include <chrono>
#include <cstdio>
#include <limits>
#include <vector>

#include "../decode/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "casreport/service.hpp"

namespace casreport::detail {
namespace {

constexpr std::string_view magic = "CASRSTAT";
constexpr std::uint32_t codec_version = 1;

class writer {
public:
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
    }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
    }
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void str(std::string_view s) {
        u64(s.size());
        out_.append(s);
    }
    void raw(std::string_view s) { out_.append(s); }
    std::string& bytes() { return out_; }

private:
    std::string out_;
};

/// Reads with bounds checks; after the first failure every read returns zero and `ok()` is
/// false, so the loader can check once per section.
class reader {
public:
    explicit reader(std::string_view in) : in_(in) {}
    bool ok() const noexcept { return ok_; }
    std::size_t remaining() const noexcept { return in_.size() - pos_; }
    void fail() noexcept { ok_ = false; }

    std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
    std::uint64_t u64() { return take(8); }
    std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    std::string_view bytes(std::size_t n) {
        if (!ok_ || n > remaining()) {
            ok_ = false;
            return {};
        }
        const std::string_view s = in_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    std::string_view str() {
        return bytes(static_cast<std::size_t>(std::min<std::uint64_t>(u64(), remaining() + 1)));
    }
    /// A count of items of at least `min_size` bytes each: refuses counts the input cannot hold.
    std::size_t count(std::size_t min_size) {
        const std::uint64_t n = u64();
        if (!ok_ || n > remaining() / min_size) {
            ok_ = false;
            return 0;
        }
        return static_cast<std::size_t>(n);
    }

private:
    std::uint64_t take(std::size_t n) {
        if (!ok_ || n > remaining()) {
            ok_ = false;
            return 0;
        }
        std::uint64_t v = 0;
        for (std::size_t i = n; i > 0; --i) {
            v = (v << 8) | static_cast<unsigned char>(in_[pos_ + i - 1]);
        }
        pos_ += n;
        return v;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

void write_options(writer& w, const options& o) {
    w.u8(o.dedupe ? 1 : 0);
    w.u8(static_cast<std::uint8_t>(o.format));
    w.u8(o.period ? 1 : 0);
    w.i32(o.period ? o.period->year() : 0);
    w.i32(o.period ? o.period->month() : 0);
    w.i32(o.period ? o.period->zone().minutes : 0);
    w.u64(o.top_n);
    w.i32(o.naive_time_zone.minutes);
    w.u64(o.max_listed_rejections);
    w.u32(o.findings.company_min_users);
    w.u32(o.findings.individual_min_count);
    w.u32(o.findings.individual_min_share_tenths);
    w.u32(o.findings.file_blocking_min_count);
    w.u32(o.findings.max_subjects);
}

bool read_options(reader& r, options& o) {
    const std::uint8_t dedupe = r.u8();
    const std::uint8_t format = r.u8();
    const std::uint8_t has_period = r.u8();
    const std::int32_t year = r.i32();
    const std::int32_t month = r.i32();
    const std::int32_t zone = r.i32();
    o.top_n = static_cast<std::size_t>(r.u64());
    o.naive_time_zone.minutes = r.i32();
    o.max_listed_rejections = static_cast<std::size_t>(r.u64());
    o.findings.company_min_users = r.u32();
    o.findings.individual_min_count = r.u32();
    o.findings.individual_min_share_tenths = r.u32();
    o.findings.file_blocking_min_count = r.u32();
    o.findings.max_subjects = r.u32();
    if (!r.ok() || dedupe > 1 || format > static_cast<std::uint8_t>(input_format::cef) ||
        has_period > 1 || o.naive_time_zone.minutes <= -24 * 60 ||
        o.naive_time_zone.minutes >= 24 * 60) {
        return false;
    }
    o.dedupe = dedupe == 1;
    o.format = static_cast<input_format>(format);
    o.period.reset();
    if (has_period == 1) {
        if (year < 0 || year > 9999 || month < 1 || month > 12) return false;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
        o.period = report_period::parse(buf, utc_offset{zone});
        if (!o.period) return false;
    }
    return true;
}

/// Sums counts exactly: false, leaving `sum` alone, when the result would pass `max_count`
/// (a state that claims more cannot be a real one, and wrapping would hide the lie).
bool add_count(std::uint64_t& sum, std::uint64_t n) noexcept {
    if (n > max_count || sum > max_count - n) return false;
    sum += n;
    return true;
}

/// UTF-8, without ASCII space at either end: how the aggregator keeps threat names.
bool trimmed_text(std::string_view s) noexcept {
    return is_valid_utf8(s) && trim(s).size() == s.size();
}

/// `trimmed_text` without ASCII capitals: how the aggregator keeps users, senders and hashes.
bool normalized_text(std::string_view s) noexcept { return trimmed_text(s) && !has_ascii_upper(s); }

/// Whether the instant `t` (µs) is one casreport can hold, and on the side of the period its
/// out-of-period flag says.
bool valid_time(const options& o, std::int64_t t, bool outside) noexcept {
    const timestamp at{std::chrono::microseconds{t}};
    if (!in_timestamp_range(at)) return false;
    return o.period ? o.period->contains(at) != outside : !outside;
}

bool is_mail_code(std::uint32_t code) noexcept {
    return code < first_other_service_code &&
           channel_of(static_cast<service>(code)) == channel::mail;
}

/// Every field of a record's contribution in range, and as `partial_state::add` sets it: a mail
/// detail exactly for the detections of a mail service that count in a section.
bool valid_contribution(const contribution& c, const partial_state& st) noexcept {
    const std::uint32_t code = c.service_code();
    if (c.user >= st.users.size() || c.detail > st.details.size() ||
        code >= first_other_service_code + st.other_services.size() ||
        c.category() > category_overview_only || (c.meta & 0xc0U) != 0 ||
        static_cast<std::uint32_t>(c.risk()) >= risk_level_count) {
        return false;
    }
    const bool mail_detail = c.category() != category_overview_only && is_mail_code(code);
    return (c.detail != 0) == mail_detail;
}

}  // namespace

std::string save_state(const partial_state& st) {
    writer w;
    w.raw(magic);
    w.u32(codec_version);
    write_options(w, st.opts());
    w.u64(st.n.records);
    w.u64(st.n.accepted);
    w.u64(st.n.rejected);
    w.u64(st.n.duplicates);
    w.u64(st.n.out_of_period);
    w.u64(st.rejections.size());
    for (const rejection& j : st.rejections) {
        w.str(j.source);
        w.u64(j.line);
        w.u8(static_cast<std::uint8_t>(j.reason));
        w.str(j.detail);
    }
    w.u64(st.users.size());
    for (std::uint32_t i = 0; i < st.users.size(); ++i) w.str(st.users.at(i));
    w.u64(st.strings.size());
    for (std::uint32_t i = 0; i < st.strings.size(); ++i) w.str(st.strings.at(i));
    w.u64(st.other_services.size());
    for (std::uint32_t id : st.other_services) w.u32(id);
    w.u64(st.details.size());
    for (const mail_detail& d : st.details) {
        w.u32(d.sender);
        w.u32(d.threat);
        w.u32(d.file);
    }
    w.u64(st.store.size());
    st.store.for_each([&](key128 k, const contribution& c) {
        w.u64(k.lo);
        w.u32(static_cast<std::uint32_t>(k.hi >> 32));
        w.u32(c.time_lo);
        w.u32(c.time_hi);
        w.u32(c.user);
        w.u32(c.detail);
        w.u32(c.meta);
    });
    w.u64(st.groups.size());
    for (const auto& [g, r] : st.groups) {
        w.u32(g.user);
        w.u32(g.detail);
        w.u32(g.meta);
        w.u64(r.count);
        w.i64(r.first);
        w.i64(r.last);
    }
    w.u64(hash64(w.bytes()));
    return std::move(w.bytes());
}

std::unique_ptr<partial_state> load_state(std::string_view bytes, std::error_code& ec) {
    // A state is untrusted input (it may come from another machine): every value is checked
    // against the others below. The checksum only catches accidental damage early; nothing
    // relies on it, since whoever writes a state can compute it.
    ec = make_error_code(error::input);
    if (bytes.size() < magic.size() + 12 || bytes.substr(0, magic.size()) != magic) return nullptr;
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    reader tail(bytes.substr(bytes.size() - 8));
    if (tail.u64() != hash64(body)) return nullptr;

    reader r(body.substr(magic.size()));
    if (r.u32() != codec_version) return nullptr;
    options o;
    if (!read_options(r, o)) return nullptr;
    auto st = std::make_unique<partial_state>(o);
    counters& n = st->n;
    n.records = r.u64();
    n.accepted = r.u64();
    n.rejected = r.u64();
    n.duplicates = r.u64();
    n.out_of_period = r.u64();
    // The accounting identity, exactly (not modulo 2^64), and no count past `max_count`.
    std::uint64_t sum = 0;
    if (!add_count(sum, n.accepted) || !add_count(sum, n.rejected) ||
        !add_count(sum, n.duplicates) || !add_count(sum, n.out_of_period) || sum != n.records ||
        (!o.dedupe && n.duplicates != 0)) {
        return nullptr;
    }

    const std::size_t n_rejections = r.count(8 + 8 + 1 + 8);
    if (n_rejections > n.rejected || n_rejections > o.max_listed_rejections) return nullptr;
    for (std::size_t i = 0; i < n_rejections && r.ok(); ++i) {
        rejection j;
        j.source = std::string(r.str());
        j.line = r.u64();
        const std::uint8_t reason = r.u8();
        j.detail = std::string(r.str());
        if (reason < 1 || reason > static_cast<std::uint8_t>(last_reject_reason) ||
            j.line == 0 || !is_valid_utf8(j.source) || !is_valid_utf8(j.detail)) {
            r.fail();
        }
        j.reason = static_cast<reject_reason>(reason);
        st->rejections.push_back(std::move(j));
    }
    for (string_pool* pool : {&st->users, &st->strings}) {
        const std::size_t n_pool = r.count(8);
        for (std::size_t i = 0; i < n_pool && r.ok(); ++i) {
            const std::string_view text = r.str();
            if (pool == &st->users ? !normalized_text(text) : !is_valid_utf8(text)) r.fail();
            if (pool->intern(text) != i) r.fail();  // strings must be distinct
        }
    }
    if (!r.ok() || st->users.size() > std::numeric_limits<std::uint32_t>::max() ||
        st->strings.size() > std::numeric_limits<std::uint32_t>::max()) {
        return nullptr;
    }
    const auto strings = static_cast<std::uint32_t>(st->strings.size());
    const std::size_t n_services = r.count(4);
    std::vector<bool> is_service(strings, false);
    for (std::size_t i = 0; i < n_services && r.ok(); ++i) {
        const std::uint32_t id = r.u32();
        // Distinct, and each as `other_service_key` writes it (which leaves its output as is).
        if (id >= strings || is_service[id] ||
            other_service_key(st->strings.at(id)) != st->strings.at(id)) {
            r.fail();
            break;
        }
        is_service[id] = true;
        st->other_services.push_back(id);
    }
    if (first_other_service_code + st->other_services.size() > 0xffffU) r.fail();  // 16-bit codes
    const std::size_t n_details = r.count(12);
    for (std::size_t i = 0; i < n_details && r.ok(); ++i) {
        mail_detail d;
        d.sender = r.u32();
        d.threat = r.u32();
        d.file = r.u32();
        if (d.sender >= strings || d.threat >= strings || d.file >= strings ||
            !normalized_text(st->strings.at(d.sender)) || !trimmed_text(st->strings.at(d.threat)) ||
            !normalized_text(st->strings.at(d.file))) {
            r.fail();
            break;
        }
        st->details.push_back(d);
    }
    if (!r.ok() || st->details.size() > std::numeric_limits<std::uint32_t>::max() - 1) {
        return nullptr;
    }
    st->reindex();
    if (st->other_services.size() != n_services || st->details.size() != n_details) return nullptr;

    std::uint64_t accepted = 0;
    std::uint64_t outside = 0;
    const std::size_t n_store = r.count(32);
    if (n_store != 0 && !o.dedupe) return nullptr;
    st->store.reserve(n_store);
    for (std::size_t i = 0; i < n_store && r.ok(); ++i) {
        key128 k;
        k.lo = r.u64();
        k.hi = std::uint64_t{r.u32()} << 32;  // 96-bit keys (record_store.hpp)
        contribution c;
        c.time_lo = r.u32();
        c.time_hi = r.u32();
        c.user = r.u32();
        c.detail = r.u32();
        c.meta = r.u32();
        if (!r.ok() || !valid_contribution(c, *st) || !valid_time(o, c.time(), c.out_of_period())) {
            r.fail();
            break;
        }
        contribution* dst = st->store.try_add(k);
        if (dst == nullptr) {  // keys must be distinct
            r.fail();
            break;
        }
        *dst = c;
        ++(c.out_of_period() ? outside : accepted);
    }
    const std::size_t n_groups = r.count(36);
    if (n_groups != 0 && o.dedupe) return nullptr;
    for (std::size_t i = 0; i < n_groups && r.ok(); ++i) {
        contribution c;
        c.user = r.u32();
        c.detail = r.u32();
        c.meta = r.u32();
        record_group g;
        g.count = r.u64();
        g.first = r.i64();
        g.last = r.i64();
        const bool out = c.out_of_period();
        if (!r.ok() || !valid_contribution(c, *st) || g.count == 0 || g.first > g.last ||
            !valid_time(o, g.first, out) || !valid_time(o, g.last, out) ||
            !add_count(out ? outside : accepted, g.count) ||
            st->groups.count({c.user, c.detail, c.meta}) != 0) {
            r.fail();
            break;
        }
        st->groups.emplace(group_key{c.user, c.detail, c.meta}, g);
    }
    const bool consistent =
        r.ok() && r.remaining() == 0 && accepted == n.accepted && outside == n.out_of_period;
    if (!consistent) return nullptr;
    ec.clear();
    return st;
}

}  // namespace casreport::detail
