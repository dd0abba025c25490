#include "advice.hpp"

#include <array>

namespace casreport::detail {
namespace {

struct rule_advice {
    std::string_view rule;
    std::string_view title_ja;
    std::string_view title_en;
    std::vector<std::string_view> actions_ja;
    std::vector<std::string_view> actions_en;
};

const std::vector<rule_advice>& rules() {
    static const std::vector<rule_advice> all = {
        {"threat_left_in_place",
         "脅威が残ったままの検出があります",
         "Threats were left in place",
         {"該当するメール・ファイルが残っていないか確認し、残っていれば手動で削除してください。",
          "利用者が開いていないか確認し、開いていれば端末を調べてください。",
          "必要に応じて送信元をブロックしてください。",
          "社内に注意喚起し、不審なメールやファイルを開かないよう周知してください。",
          "オンラインストレージで検出したものは、そのファイルの公開範囲 (共有設定) "
          "を見直してください。",
          "処理の設定を「隔離」「削除」「テキスト/"
          "ファイルで置換」のいずれかに見直してください。処理に失敗したものは、コンソールのログで理"
          "由を確認してください。"},
         {"Check whether the mail or file is still there, and delete it by hand if it is.",
          "Ask whether anyone opened it; if so, check that person's device.",
          "Block the sender if needed.", "Warn staff not to open suspicious mail or files.",
          "Where it was found in online storage, review who the file is shared with.",
          "Set the action to quarantine, delete or replace with text/file. Where the action "
          "failed, look up the reason in the console log."}},
        {"targeted_attack_company",
         "会社を狙った標的型攻撃の可能性があります",
         "Possible targeted attack on the company",
         {"同じ送信元・同じ脅威が複数の社員に届いています。社内に注意喚起し、該当メールを開かないよ"
          "う周知してください。",
          "送信元をブロックしてください。",
          "メールを開いた・添付ファイルやリンクを開いた利用者がいないか確認し、いれば端末を調べてく"
          "ださい。",
          "同様のメールが続いていないか、翌月以降も確認してください。"},
         {"The same sender or threat reached several people. Warn staff and tell them not to "
          "open these messages.",
          "Block the sender.",
          "Find out whether anyone opened the message, its attachment or its link, and check "
          "their devices.",
          "Watch whether similar mail keeps arriving in the coming months."}},
        {"targeted_attack_individual",
         "特定の個人を狙った攻撃の可能性があります",
         "Possible attack on an individual",
         {"検出の多くが一人の利用者のメールに集中しています。その利用者の受信メールを確認してくださ"
          "い。",
          "本人に注意喚起し、不審なメールを開かないよう伝えてください。",
          "必要に応じて送信元をブロックしてください。"},
         {"Most detections concern one person's mail. Review the mail that person received.",
          "Warn the person not to open suspicious messages.", "Block the senders if needed."}},
        {"dlp_mail",
         "送信メールが情報漏えい対策ポリシーに一致しました",
         "Outgoing mail matched a data loss prevention policy",
         {"送信済みのメールはブロックできません。直ちに内容と送付先を確認してください。",
          "意図しない送信であれば、送付先への連絡など社内の手順に沿って対処してください。",
          "ポリシーの条件が業務に合っているか見直してください。"},
         {"Mail already sent cannot be blocked: check its content and recipients now.",
          "If it was not meant to leave, follow the company's procedure (for example, contact "
          "the recipients).",
          "Review whether the policy's conditions fit the business."}},
        {"dlp_storage",
         "オンラインストレージのファイルが情報漏えい対策ポリシーに一致しました",
         "Files in online storage matched a data loss prevention policy",
         {"該当ファイルが社外や不要な範囲と共有されていないか確認してください。",
          "そのサービスに置くべきでないファイルは、移動または削除してください。",
          "オンラインストレージの共有範囲の設定を見直してください。"},
         {"Check whether the file is shared outside the company or more widely than needed.",
          "Move or delete files that should not be kept on that service.",
          "Review the sharing settings of the online storage."}},
        {"va_risky",
         "仮想アナライザがリスク「高」または「中」と判定しました",
         "Virtual Analyzer rated files high or medium risk",
         {"新たな脅威の可能性が高いものとして扱ってください。",
          "コンソールのログ (種類: 仮想アナライザ) "
          "で、ファイル・送信元・処理結果を確認してください。",
          "社内に注意喚起し、必要に応じて送信元をブロックしてください。",
          "オンラインストレージで検出したものは、そのファイルの公開範囲 (共有設定) "
          "を見直してください。",
          "継続して検出されるかどうか、引き続き観察してください。"},
         {"Treat these as likely new threats.",
          "Check the file, the sender and the action in the console log (type: Virtual "
          "Analyzer).",
          "Warn staff, and block the sender if needed.",
          "Where it was found in online storage, review who the file is shared with.",
          "Keep watching whether such detections continue."}},
        {"ransomware",
         "ランサムウェアを検出しました",
         "Ransomware was detected",
         {"該当ファイルを扱った端末をネットワークから切り離し、感染していないか調べてください。",
          "暗号化などの被害があれば、バックアップから復旧してください。",
          "エンドポイント対策の導入状況と設定を見直してください。"},
         {"Isolate the devices that handled the file and check them for infection.",
          "Restore any damaged data from backups.",
          "Review endpoint protection: where it is installed and how it is set."}},
        {"file_blocking_review",
         "ファイルブロックが多いユーザがいます",
         "Users with many blocked files",
         {"利用者の誤りによることも多いため、送信元・本文・添付ファイルを確認し、脅威かどうかを判断"
          "してください。",
          "社内の運用ルール (送受信してよいファイルの種類など) を周知してください。",
          "必要に応じて送信元のブロックや、ブロック設定の見直しを行ってください。"},
         {"This is often a user error: check the sender, the message and the file to decide "
          "whether it is a threat.",
          "Remind staff of the rules (which kinds of files may be sent and received).",
          "Block the sender or adjust the blocking settings if needed."}},
    };
    return all;
}

const rule_advice* find_rule(std::string_view rule) {
    for (const rule_advice& r : rules()) {
        if (r.rule == rule) return &r;
    }
    return nullptr;
}

}  // namespace

std::string_view finding_title(std::string_view rule, language lang) noexcept {
    const rule_advice* r = find_rule(rule);
    if (r == nullptr) return rule;
    return lang == language::en ? r->title_en : r->title_ja;
}

std::vector<std::string_view> finding_actions(std::string_view rule, language lang) {
    const rule_advice* r = find_rule(rule);
    if (r == nullptr) return {};
    return lang == language::en ? r->actions_en : r->actions_ja;
}

std::vector<std::string_view> reading_notes(std::optional<section> s, language lang) {
    const bool en = lang == language::en;
    if (!s) {
        if (en) {
            return {
                "Follow the trend month by month: the detections of Advanced Threat "
                "Protection (ATP) and of Data Loss Prevention (DLP), for each service.",
                "Mail (Exchange, Gmail) faces the internet, so it usually shows more ATP "
                "detections than online storage.",
                "Where a service has detections, the sections below tell what they were "
                "and what to do.",
                "Encrypted files, such as password-protected zip attachments, cannot be "
                "scanned and so are never detected here: where such files arrive, consider "
                "endpoint protection."};
        }
        return {
            "サービスごとの、高度な脅威対策 (ATP) による脅威の検出数と、情報漏えい対策 (DLP) "
            "の検出数です。月ごとの傾向の把握に使います。",
            "インターネットの窓口となるメール (Exchange / Gmail) は、オンラインストレージに比べて "
            "ATP の検出が多くなる傾向があります。",
            "検出があったサービスは、以下の各項目で内容と対処を確認してください。",
            "パスワード付き zip "
            "など暗号化されたファイルは検索できないため、ここには現れません。このようなファイルが届"
            "く場合は、エンドポイント対策の導入や見直しを検討してください。"};
    }
    switch (*s) {
        case section::malware:
            if (en) {
                return {
                    "The scan engines judged these files to be viruses or malware: a threat "
                    "really arrived.",
                    "Unless the action was quarantine, delete or replace, the threat is still "
                    "there and someone may open it (see \"Left in place\" and \"Failed\").",
                    "Many users reached by mail may mean an attack on the company; many "
                    "detections for one person may mean that person is targeted."};
            }
            return {
                "ウイルス検索エンジンが不正プログラムと判定したもので、実際に脅威が届いていたことを"
                "示します。",
                "処理が「隔離」「削除」「テキスト/"
                "ファイルで置換」以外の場合、脅威は残ったままです。利用者が触れてしまうおそれがあり"
                "ます (処理結果の「脅威が残存」「処理失敗」)。",
                "メール経由で多くのユーザに届いている場合は会社を狙った標的型攻撃、特定のユーザに集"
                "中している場合はその個人を狙った攻撃の可能性があります。"};
        case section::file_blocking:
            if (en) {
                return {
                    "Files blocked because their type, name or extension matched the "
                    "settings: the customer's own policy, or a precaution against risky "
                    "types such as exe and scr.",
                    "People often attach such files by mistake, so whether a real threat "
                    "arrived depends on the sender, the message and the file.",
                    "Review it together with how the service is used; block the sender or "
                    "adjust the settings if needed."};
            }
            return {
                "設定したファイルの種類・名前・拡張子に一致したためブロックしたものです。お客様のポ"
                "リシーによるものと、exe や scr "
                "など一般に危険な種類のリスクを下げるためのものがあります。",
                "利用者が誤って添付したケースもあるため、脅威かどうかは送信元・本文・添付ファイルを"
                "見て判断します。",
                "運用も含めて確認し、必要であれば送信元のブロックや設定の見直しを行います。"};
        case section::web_reputation:
            if (en) {
                return {
                    "Mail or files with URLs that Trend Micro rates as dangerous: a threat "
                    "did arrive.",
                    "With the sensitivity set to High, unrated sites are blocked too, so a "
                    "detection is not always a clear threat.",
                    "Unless the action was quarantine, delete or replace, the threat is still "
                    "there and someone may follow the link."};
            }
            return {
                "Trend Micro が危険と判定した URL "
                "を含むメールやファイルです。検出があれば、脅威が来ていたと判断できます。",
                "Webレピュテーションのセキュリティレベルが「高」の場合は未評価のサイトもブロックす"
                "るため、明らかな脅威とは限りません。",
                "処理が「隔離」「削除」「テキスト/"
                "ファイルで置換」以外の場合、脅威は残ったままです。利用者がリンクを開いてしまうおそ"
                "れがあります。"};
        case section::virtual_analyzer:
            if (en) {
                return {
                    "Suspicious files and URLs sent to the sandbox for analysis, counted "
                    "whatever the verdict.",
                    "This report counts the risk levels (high and medium are likely new "
                    "threats); each detection's details are in the console log (type: "
                    "Virtual Analyzer).",
                    "Medium risk or above reaching many users by mail may mean an attack on "
                    "the company; many for one person may mean that person is targeted."};
            }
            return {
                "不審なファイルや URL を仮想アナライザ (サンドボックス) "
                "で解析した件数です。判定結果にかかわらず数えています。",
                "リスクレベルの内訳は本レポートで集計しています "
                "(「高」「中」は新たな脅威の可能性があります)。個々の詳細はコンソールのログ (種類: "
                "仮想アナライザ) で確認できます。",
                "メール経由でリスク「中」以上のものが多くのユーザに届いている場合は会社を狙った標的"
                "型攻撃、特定のユーザに集中している場合は個人を狙った攻撃の可能性があります。"};
        case section::dlp:
            if (en) {
                return {
                    "Shown when Data Loss Prevention is set up: mail and files containing "
                    "text or numbers that match its policies.",
                    "What it means depends on where it was found: mail has already been "
                    "sent, while files are still stored on the service."};
            }
            return {
                "情報漏えい対策を設定している場合に、ポリシーに一致する文字列・数列を含むメールやフ"
                "ァイルの件数を示します。",
                "検出場所 (メール / ストレージ) "
                "によって意味が異なります。メールは送信済みのもの、ストレージは保存されているファイ"
                "ルです。"};
        case section::ransomware:
            if (en) {
                return {
                    "Ransomware detections, which Cloud App Security logs as their own "
                    "event type (this section is not in the original report).",
                    "Even one is serious: find where the file came from and whether any "
                    "device was affected."};
            }
            return {
                "Cloud App Security が独立した種類として記録するランサムウェアの検出です "
                "(元のレポートにはない、本レポート独自の項目です)。",
                "1件でも重大です。ファイルの出どころと、影響を受けた端末がないかを確認してください"
                "。"};
    }
    return {};
}

std::string_view severity_label(severity s, language lang) noexcept {
    static constexpr std::array<std::string_view, 4> ja = {"緊急", "高", "中", "情報"};
    static constexpr std::array<std::string_view, 4> en = {"Critical", "High", "Medium", "Info"};
    const auto i = static_cast<std::size_t>(s);
    if (i >= ja.size()) return lang == language::en ? en[3] : ja[3];
    return lang == language::en ? en[i] : ja[i];
}

}  // namespace casreport::detail
