#include "state_codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <vector>

#include "../core/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "casreport/service.hpp"

namespace casreport::detail {
namespace {

constexpr std::string_view magic = "CASRSTAT";
/// Signature, format version, compression, body size, payload size.
constexpr std::size_t header_size = 8 + 4 + 1 + 8 + 8;
constexpr std::size_t checksum_size = 8;

/// Where a state's body goes as it is written: appended to the saved bytes as it is, or
/// through zlib, a piece at a time, so that saving a state never holds its whole body.
class body_sink {
public:
    body_sink(state_compression how, std::string& out) : how_(how), out_(out) {
        if (how_ == state_compression::zlib && deflateInit(&z_, Z_BEST_SPEED) != Z_OK) {
            throw std::bad_alloc();  // deflateInit fails only for want of memory
        }
    }
    ~body_sink() {
        if (how_ == state_compression::zlib) deflateEnd(&z_);
    }
    body_sink(const body_sink&) = delete;
    body_sink& operator=(const body_sink&) = delete;

    void write(std::string_view bytes, bool last) {
        size_ += bytes.size();
        if (how_ == state_compression::stored) {
            out_.append(bytes);
            return;
        }
        std::size_t in = 0;
        for (;;) {
            // zlib's calls take 32-bit sizes: the input goes in pieces of at most 1 GiB.
            const std::size_t in_n = std::min(bytes.size() - in, std::size_t{1} << 30);
            const bool finish = last && in + in_n == bytes.size();
            z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + in));
            z_.avail_in = static_cast<uInt>(in_n);
            int rc = Z_OK;
            do {
                const std::size_t done = out_.size();
                const std::size_t room = std::max<std::size_t>(in_n / 2, 1U << 16);
                out_.resize(done + room);
                z_.next_out = reinterpret_cast<Bytef*>(out_.data() + done);
                z_.avail_out = static_cast<uInt>(room);
                rc = deflate(&z_, finish ? Z_FINISH : Z_NO_FLUSH);
                out_.resize(done + room - z_.avail_out);
                if (rc == Z_STREAM_ERROR) throw std::bad_alloc();
            } while (z_.avail_out == 0 || (finish && rc != Z_STREAM_END));
            in += in_n - z_.avail_in;
            if (in == bytes.size()) return;
        }
    }

    /// The bytes written so far, before compression.
    [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

private:
    state_compression how_;
    std::string& out_;
    z_stream z_{};
    std::uint64_t size_ = 0;
};

/// Little-endian writing into a buffer that, with a sink, is handed on every 1 MiB.
class writer {
public:
    writer() = default;
    explicit writer(body_sink& sink) : sink_(&sink) {}

    void u8(std::uint8_t v) {
        out_.push_back(static_cast<char>(v));
        spill();
    }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
        spill();
    }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xffU));
        spill();
    }
    void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void str(std::string_view s) {
        u64(s.size());
        out_.append(s);
        spill();
    }
    void raw(std::string_view s) {
        out_.append(s);
        spill();
    }
    std::string& bytes() { return out_; }

    /// Hands the rest to the sink, the last of the body.
    void finish() {
        if (sink_ != nullptr) sink_->write(out_, true);
        out_.clear();
    }

private:
    static constexpr std::size_t spill_at = std::size_t{1} << 20;
    void spill() {
        if (sink_ != nullptr && out_.size() >= spill_at) {
            sink_->write(out_, false);
            out_.clear();
        }
    }

    body_sink* sink_ = nullptr;
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
    w.u32(o.part);
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
    o.part = r.u32();
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

void write_bits(writer& w, const std::vector<bool>& bits) {
    for (std::size_t i = 0; i < bits.size(); i += 8) {
        unsigned b = 0;
        for (std::size_t j = 0; j < 8 && i + j < bits.size(); ++j) {
            if (bits[i + j]) b |= 1U << j;
        }
        w.u8(static_cast<std::uint8_t>(b));
    }
}

/// `n` bits, padding bits zero.
bool read_bits(reader& r, std::vector<bool>& bits, std::size_t n) {
    bits.assign(n, false);
    for (std::size_t i = 0; i < n; i += 8) {
        const unsigned b = r.u8();
        for (std::size_t j = 0; j < 8; ++j) {
            const bool set = ((b >> j) & 1U) != 0;
            if (i + j < n) {
                bits[i + j] = set;
            } else if (set) {
                return false;
            }
        }
    }
    return r.ok();
}

/// zlib's calls take 32-bit sizes: larger buffers go through in pieces of this many bytes.
constexpr std::size_t zlib_piece = std::size_t{1} << 30;

/// The inflated body, exactly `size` bytes long, or false when `payload` is not a complete
/// zlib stream of that size.
bool inflate_body(std::string_view payload, std::uint64_t size, std::string& out) {
    // A size beyond what zlib's densest output (about 1032 to 1) could give is a lie: memory
    // grows with what is inflated, never with what the header claims.
    if (size / 1032 > payload.size() + 1) return false;
    struct stream {
        z_stream z{};
        stream() {
            if (inflateInit(&z) != Z_OK) throw std::bad_alloc();
        }
        ~stream() { inflateEnd(&z); }
        stream(const stream&) = delete;
        stream& operator=(const stream&) = delete;
    } s;
    z_stream& z = s.z;
    out.clear();
    out.resize(static_cast<std::size_t>(
        std::min<std::uint64_t>(size + 1, std::uint64_t{payload.size()} * 4 + (1U << 16))));
    std::size_t in = 0;
    std::size_t done = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (done == out.size()) {
            if (out.size() > size) break;  // more than announced
            out.resize(static_cast<std::size_t>(
                std::min<std::uint64_t>(size + 1, std::uint64_t{out.size()} * 2)));
        }
        const std::size_t in_n = std::min(payload.size() - in, zlib_piece);
        const std::size_t out_n = std::min(out.size() - done, zlib_piece);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(payload.data() + in));
        z.avail_in = static_cast<uInt>(in_n);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + done);
        z.avail_out = static_cast<uInt>(out_n);
        rc = inflate(&z, Z_NO_FLUSH);
        in += in_n - z.avail_in;
        done += out_n - z.avail_out;
        if (rc == Z_MEM_ERROR) throw std::bad_alloc();
        if (rc != Z_OK && rc != Z_STREAM_END) break;  // corrupt data, or the input ran out
    }
    if (rc != Z_STREAM_END || in != payload.size() || done != size) return false;
    out.resize(done);
    return true;
}

void write_body(writer& w, const partial_state& st) {
    write_options(w, st.opts());
    w.u32(st.scope.count);
    write_bits(w, st.scope.covered);
    write_bits(w, st.scope.compact);
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
    const part_origins& o = st.origins;
    w.u8(o.mixed ? 1 : 0);
    if (o.mixed) {
        w.u64(o.runs.size());
        for (const part_origins::run& run : o.runs) {
            w.u32(run.first);
            w.u32(run.part);
        }
        // By entry, so that equal states write equal bytes.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> moved(o.moved.begin(), o.moved.end());
        std::sort(moved.begin(), moved.end());
        w.u64(moved.size());
        for (const auto& [entry, part] : moved) {
            w.u32(entry);
            w.u32(part);
        }
        for (std::size_t i = 0; i < st.rejections.size(); ++i) {
            w.u32(o.rejection_part(i, st.opts().part));
        }
    }
}

/// The state in `body`, or null with `why` set to what is inconsistent.
std::unique_ptr<partial_state> read_body(std::string_view body, std::string& why) {
    // A state is untrusted input (it may come from another machine): every value is checked
    // against the others below. The checksum only catches accidental damage; nothing relies on
    // it, since whoever writes a state can compute it.
    const auto bad = [&why](const char* what) {
        why = std::string("its ") + what + " are inconsistent";
        return nullptr;
    };
    reader r(body);
    options o;
    if (!read_options(r, o)) return bad("options");
    const std::uint32_t shards = r.u32();
    shard_scope scope;
    scope.count = shards;
    if (shards == 0 || shards > max_shards || !read_bits(r, scope.covered, shards) ||
        !read_bits(r, scope.compact, shards)) {
        return bad("shards");
    }
    for (std::uint32_t i = 0; i < shards; ++i) {
        if (scope.compact[i] && !scope.covered[i]) return bad("shards");
    }
    auto st = std::make_unique<partial_state>(o);
    st->scope = scope;
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
        return bad("counts");
    }

    const std::size_t n_rejections = r.count(8 + 8 + 1 + 8);
    if (n_rejections > n.rejected || n_rejections > o.max_listed_rejections) {
        return bad("rejections");
    }
    for (std::size_t i = 0; i < n_rejections && r.ok(); ++i) {
        rejection j;
        j.source = std::string(r.str());
        j.line = r.u64();
        const std::uint8_t reason = r.u8();
        j.detail = std::string(r.str());
        if (reason < 1 || reason > static_cast<std::uint8_t>(last_reject_reason) || j.line == 0 ||
            !is_valid_utf8(j.source) || !is_valid_utf8(j.detail)) {
            r.fail();
        }
        j.reason = static_cast<reject_reason>(reason);
        st->rejections.push_back(std::move(j));
    }
    if (!r.ok()) return bad("rejections");
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
        return bad("users or strings");
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
    if (!r.ok() || st->other_services.size() != n_services) return bad("services");
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
    if (!r.ok() || st->details.size() > std::numeric_limits<std::uint32_t>::max() - 1 ||
        st->details.size() != n_details) {
        return bad("mail details");
    }
    st->reindex();

    std::uint64_t accepted = 0;
    std::uint64_t outside = 0;
    const std::size_t n_store = r.count(32);
    // Records with their identities only with de-duplication, in shards held and not compact.
    if (n_store != 0 && !o.dedupe) return bad("records");
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
        const std::uint32_t shard = shard_of(k, shards);
        if (!r.ok() || !valid_contribution(c, *st) || !valid_time(o, c.time(), c.out_of_period()) ||
            !scope.covered[shard] || scope.compact[shard]) {
            r.fail();
            break;
        }
        if (!st->store.try_add(k, c)) {  // keys must be distinct
            r.fail();
            break;
        }
        ++(c.out_of_period() ? outside : accepted);
    }
    if (!r.ok()) return bad("records");
    // Groups: records without identities, with de-duplication off or in compact shards.
    const std::size_t n_groups = r.count(36);
    if (n_groups != 0 && o.dedupe && !scope.any_compact()) return bad("record groups");
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
    if (!r.ok() || accepted != n.accepted || outside != n.out_of_period) {
        return bad("record groups");
    }

    // The parts of records and rejections, when several merged.
    part_origins& origins = st->origins;
    const std::uint8_t mixed = r.u8();
    if (!r.ok() || mixed > 1) return bad("parts");
    if (mixed == 1) {
        origins.mixed = true;
        const std::size_t n_runs = r.count(8);
        for (std::size_t i = 0; i < n_runs && r.ok(); ++i) {
            part_origins::run run;
            run.first = r.u32();
            run.part = r.u32();
            // From entry 0, strictly increasing, each run holding at least one entry.
            const bool next =
                origins.runs.empty() ? run.first == 0 : run.first > origins.runs.back().first;
            if (!next || run.first >= n_store) r.fail();
            origins.runs.push_back(run);
        }
        if (n_store != 0 && origins.runs.empty()) r.fail();
        const std::size_t n_moved = r.count(8);
        std::uint32_t last_entry = 0;
        for (std::size_t i = 0; i < n_moved && r.ok(); ++i) {
            const std::uint32_t entry = r.u32();
            const std::uint32_t part = r.u32();
            if (entry >= n_store || (i > 0 && entry <= last_entry)) r.fail();
            last_entry = entry;
            origins.moved.emplace(entry, part);
        }
        // Rejections are listed in part order.
        for (std::size_t i = 0; i < st->rejections.size() && r.ok(); ++i) {
            origins.rejections.push_back(r.u32());
            if (i > 0 && origins.rejections[i] < origins.rejections[i - 1]) r.fail();
        }
    }
    if (!r.ok() || r.remaining() != 0) return bad("parts");
    st->seal();
    return st;
}

}  // namespace

std::string save_state(const partial_state& st, state_compression how) {
    writer head;
    head.raw(magic);
    head.u32(state_format_version);
    head.u8(static_cast<std::uint8_t>(how));
    head.u64(0);  // the body's size, and the payload's: written below once known
    head.u64(0);
    std::string out = std::move(head.bytes());
    {
        body_sink sink(how, out);
        writer body(sink);
        write_body(body, st);
        body.finish();
        const std::uint64_t sizes[2] = {sink.size(), out.size() - header_size};
        for (std::size_t k = 0; k < 2; ++k) {
            for (std::size_t i = 0; i < 8; ++i) {
                out[header_size - 16 + 8 * k + i] =
                    static_cast<char>((sizes[k] >> (8 * i)) & 0xffU);
            }
        }
    }
    writer tail;
    tail.u64(hash64(out));
    out += tail.bytes();
    return out;
}

std::unique_ptr<partial_state> load_state(std::string_view bytes, std::error_code& ec,
                                          std::string* why) {
    ec = make_error_code(error::input);
    std::string reason;
    const auto refuse = [&](std::string text) {
        if (why != nullptr) *why = std::move(text);
        return nullptr;
    };
    if (bytes.substr(0, magic.size()) != magic) {
        return refuse("it does not start with the CASRSTAT signature");
    }
    if (bytes.size() < magic.size() + 4) {
        return refuse("truncated: " + std::to_string(bytes.size()) + " bytes");
    }
    const std::uint32_t version = reader(bytes.substr(magic.size(), 4)).u32();
    const auto sum_at_end = [&] {
        return bytes.size() >= magic.size() + 4 + checksum_size &&
               reader(bytes.substr(bytes.size() - checksum_size)).u64() ==
                   hash64(bytes.substr(0, bytes.size() - checksum_size));
    };
    if (version != state_format_version) {
        // Format 1 (casreport before the scale-out states) ends with the same checksum.
        if (version == 1 && sum_at_end()) {
            return refuse(
                "a state of format version 1, saved by an earlier casreport; this one "
                "reads format version " +
                std::to_string(state_format_version) + ": aggregate its input again");
        }
        return refuse("damaged, or of a format this casreport does not read: format version " +
                      std::to_string(version) + ", this one reads " +
                      std::to_string(state_format_version));
    }
    if (bytes.size() < header_size + checksum_size) {
        return refuse("truncated: " + std::to_string(bytes.size()) +
                      " bytes, fewer than a state's header");
    }
    reader h(bytes.substr(magic.size() + 4, header_size - magic.size() - 4));
    const std::uint8_t compression = h.u8();
    const std::uint64_t body_size = h.u64();
    const std::uint64_t payload_size = h.u64();
    const std::size_t room = bytes.size() - header_size - checksum_size;
    if (!sum_at_end()) {
        if (payload_size > room) {
            return refuse("truncated: it has " + std::to_string(bytes.size()) +
                          " bytes, its header announces " +
                          (payload_size > std::numeric_limits<std::uint32_t>::max()
                               ? std::string("more")
                               : std::to_string(payload_size + header_size + checksum_size)));
        }
        return refuse("damaged: its checksum does not match its bytes");
    }
    if (payload_size != room) return refuse("damaged: its sizes disagree");
    const std::string_view payload = bytes.substr(header_size, payload_size);
    std::string inflated;
    std::string_view body;
    if (compression == static_cast<std::uint8_t>(state_compression::stored)) {
        if (body_size != payload_size) return refuse("damaged: its sizes disagree");
        body = payload;
    } else if (compression == static_cast<std::uint8_t>(state_compression::zlib)) {
        if (!inflate_body(payload, body_size, inflated)) {
            return refuse("damaged: its compressed body does not inflate to the size announced");
        }
        body = inflated;
    } else {
        return refuse("damaged: unknown compression " + std::to_string(compression));
    }
    std::unique_ptr<partial_state> st = read_body(body, reason);
    if (!st) return refuse(std::move(reason));
    ec.clear();
    return st;
}

}  // namespace casreport::detail
