// The cloud services CAS protects, in the order of the report's overview.
#ifndef CASREPORT_SERVICE_HPP
#define CASREPORT_SERVICE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "casreport/detail/ascii.hpp"

namespace casreport {

/// A protected service. The first ten are the overview rows, in the guide's order; values are
/// mirrored by the C API, never renumber.
enum class service : std::uint8_t {
    box = 0,
    dropbox = 1,
    exchange = 2,
    gmail = 3,
    google_drive = 4,
    onedrive = 5,
    salesforce_production = 6,
    salesforce_sandbox = 7,
    sharepoint = 8,
    teams = 9,             ///< Microsoft Teams, Teams chat folded in
    exchange_server = 10,  ///< ScanMail for Exchange: reported under `other_services`
    other = 11,            ///< any service the alias table does not know
};

/// Number of services with an overview row (`box` .. `teams`).
inline constexpr std::size_t overview_service_count = 10;

/// Where a DLP detection happened (DESIGN section 3).
enum class channel : std::uint8_t { mail = 0, storage = 1 };

inline constexpr std::array<service, overview_service_count> overview_services = {
    service::box,
    service::dropbox,
    service::exchange,
    service::gmail,
    service::google_drive,
    service::onedrive,
    service::salesforce_production,
    service::salesforce_sandbox,
    service::sharepoint,
    service::teams};

/// Stable English key of a service as the JSON report writes it. `other` has no fixed key:
/// see `other_service_key`.
constexpr std::string_view to_string(service s) noexcept {
    switch (s) {
        case service::box: return "box";
        case service::dropbox: return "dropbox";
        case service::exchange: return "exchange";
        case service::gmail: return "gmail";
        case service::google_drive: return "google_drive";
        case service::onedrive: return "onedrive";
        case service::salesforce_production: return "salesforce_production";
        case service::salesforce_sandbox: return "salesforce_sandbox";
        case service::sharepoint: return "sharepoint";
        case service::teams: return "teams";
        case service::exchange_server: return "exchange_server";
        case service::other: return "other";
    }
    return "other";
}

/// Mail for Exchange, Exchange Server and Gmail; storage for everything else.
constexpr channel channel_of(service s) noexcept {
    return (s == service::exchange || s == service::exchange_server || s == service::gmail)
               ? channel::mail
               : channel::storage;
}

constexpr std::string_view to_string(channel c) noexcept {
    return c == channel::mail ? "mail" : "storage";
}

namespace detail {

/// Removes every occurrence of `word` from the folded text in `buf[0..n)`; returns the new size.
constexpr std::size_t erase_word(char* buf, std::size_t n, std::string_view word) noexcept {
    std::size_t out = 0;
    for (std::size_t i = 0; i < n;) {
        if (i + word.size() <= n && std::string_view(buf + i, word.size()) == word) {
            i += word.size();
            continue;
        }
        buf[out++] = buf[i++];
    }
    return out;
}

}  // namespace detail

/// Reads the `service` field: display names ("Exchange Online", "SharePoint Online",
/// "Microsoft Teams"), request keys ("exchange", "teams_chat") and the older key set
/// ("office365", "google", "crm"). Lower-cased; spaces, `_`, `-` and the words "online" and
/// "microsoft" dropped (reference/cas-log-format.md section 7.1). Unknown → `service::other`.
constexpr service parse_service(std::string_view raw) noexcept {
    char buf[64] = {};
    std::string_view f = detail::fold_into(buf, detail::trim(raw), "_- ");
    if (f.empty()) return service::other;
    std::size_t n = detail::erase_word(buf, f.size(), "online");
    n = detail::erase_word(buf, n, "microsoft");
    f = std::string_view(buf, n);
    if (f == "box") return service::box;
    if (f == "dropbox") return service::dropbox;
    if (f == "exchange" || f == "office365") return service::exchange;
    if (f == "gmail" || f == "google") return service::gmail;
    if (f == "googledrive" || f == "googleドライブ") return service::google_drive;
    if (f == "onedrive" || f == "onedriveforbusiness") return service::onedrive;
    if (f == "salesforceproduction" || f == "salesforceprod" || f == "crm" ||
        f == "salesforce本番環境") {
        return service::salesforce_production;
    }
    if (f == "salesforcesandbox") return service::salesforce_sandbox;
    if (f == "sharepoint") return service::sharepoint;
    if (f == "teams" || f == "teamschat") return service::teams;
    if (f == "exchangeserver") return service::exchange_server;
    return service::other;
}

/// Key under which an unknown service is reported in `other_services`: the trimmed value,
/// lower-cased, each run of ASCII punctuation or space turned into one `_` ("Slack Enterprise"
/// → "slack_enterprise"). Non-ASCII bytes are kept, and so is `@`: a value written like an
/// address keeps the mark of one ("trent@corp.example" → "trent@corp_example"), so that
/// `redact` can mask it. An empty value gives "unknown".
inline std::string other_service_key(std::string_view raw) {
    const std::string_view t = detail::trim(raw);
    std::string key;
    key.reserve(t.size());
    bool gap = false;
    for (char c : t) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || detail::is_ascii_alnum(c) || c == '@') {
            if (gap && !key.empty()) key.push_back('_');
            gap = false;
            key.push_back(detail::ascii_lower(c));
        } else {
            gap = true;
        }
    }
    if (key.empty()) key = "unknown";
    return key;
}

}  // namespace casreport

#endif  // CASREPORT_SERVICE_HPP
