import ConnectAsSchema
import ConnectAsService
import Foundation
import Mustache

/// The notices' wording, as Mustache templates: per language and notice a text (its first line is the subject), a
/// short bell text, and optionally an HTML body; ``NoticeFacts`` fills them in.
///
/// The shipped templates (`Templates/<language>/<notice>.txt` and `.bell.txt`) are the defaults. An operator
/// overrides any of them, without rebuilding, with a file of the same relative name in the directory named by
/// `connectas.notifier.templatesDirectory` (`es/revoked.txt`, `en/redeemed.bell.txt`, `en/ended.html`); each is
/// read and compiled at start, and one that does not compile stops the service naming the file. Unless an `.html`
/// is given, the e-mail's HTML part is the text in paragraphs, every value escaped.
struct NotificationTemplates: Sendable {
    struct Rendered: Sendable, Equatable {
        var subject: String
        var text: String
        var html: String
        var bell: String
    }

    private struct Notice: Sendable {
        var subject: MustacheTemplate
        var text: MustacheTemplate
        var html: MustacheTemplate?
        var bell: MustacheTemplate
    }

    static let directoryKey = "connectas.notifier.templatesDirectory"
    private let notices: [String: Notice]

    /// - Parameter overrides: the operator's directory, or nil for the shipped templates alone.
    init(overrides: String? = nil) throws {
        guard let shipped = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ConfigurationError(
                key: Self.directoryKey, problem: "cannot be completed: the shipped templates are missing",
                fix: "install notifier with its resource bundle beside it")
        }
        let override = overrides.map { URL(fileURLWithPath: $0, isDirectory: true) }
        if let override {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: override.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw ConfigurationError(
                    key: Self.directoryKey, problem: "names \(override.path), which is not a readable directory",
                    fix: "point it at a directory of <language>/<notice>.txt, .bell.txt or .html files, or unset it")
            }
        }
        var notices: [String: Notice] = [:]
        for language in NotificationLanguage.allCases {
            for kind in NoticeKind.allCases {
                let name = "\(language.rawValue)/\(kind.rawValue)"
                func source(_ suffix: String, required: Bool) throws -> (text: String, file: String)? {
                    for base in [override, shipped].compactMap({ $0 }) {
                        let url = base.appendingPathComponent(name + suffix)
                        if let data = FileManager.default.contents(atPath: url.path) {
                            return (String(decoding: data, as: UTF8.self), url.path)
                        }
                    }
                    guard required else { return nil }
                    throw ConfigurationError(
                        key: Self.directoryKey, problem: "has no \(name + suffix) and neither has the shipped set",
                        fix: "restore the shipped templates")
                }
                let text = try source(".txt", required: true)!
                let lines = text.text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                let body = lines.count > 1 ? String(lines[1]) : ""
                let bell = try source(".bell.txt", required: true)!
                let html = try source(".html", required: false)
                notices[name] = Notice(
                    subject: try Self.compile(String(lines[0]), file: text.file, escaping: false),
                    text: try Self.compile(body, file: text.file, escaping: false),
                    html: try html.map { try Self.compile($0.text, file: $0.file, escaping: true) },
                    bell: try Self.compile(
                        bell.text.trimmingCharacters(in: .whitespacesAndNewlines), file: bell.file, escaping: false))
            }
        }
        self.notices = notices
    }

    func render(_ kind: NoticeKind, language: NotificationLanguage, facts: [String: Any]) -> Rendered {
        // Every language and notice was loaded at start, or the service did not start.
        let notice = notices["\(language.rawValue)/\(kind.rawValue)"]!
        let text = notice.text.render(facts)
        return Rendered(
            subject: notice.subject.render(facts).trimmingCharacters(in: .whitespacesAndNewlines),
            text: text.hasSuffix("\n") ? text : text + "\n",
            html: notice.html?.render(facts) ?? Self.paragraphs(text, language: language),
            bell: notice.bell.render(facts))
    }

    private static func compile(_ source: String, file: String, escaping: Bool) throws -> MustacheTemplate {
        do {
            // Text parts are not HTML: values go in as they are (HTML parts escape them, Mustache's default).
            return try MustacheTemplate(string: escaping ? source : "{{% CONTENT_TYPE: TEXT}}" + source)
        } catch {
            throw ConfigurationError(
                key: directoryKey, problem: "holds \(file), which is not a valid Mustache template (\(error))",
                fix: "correct the template, or remove it to use the shipped one")
        }
    }

    /// Paragraphs from the text's blank-line-separated blocks, every character escaped.
    static func paragraphs(_ text: String, language: NotificationLanguage) -> String {
        var paragraphs: [[String]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                paragraphs.append([])
            } else {
                paragraphs[paragraphs.count - 1].append(escape(String(line)))
            }
        }
        let body = paragraphs.filter { !$0.isEmpty }.map { "<p>" + $0.joined(separator: "<br>\n") + "</p>" }
        return "<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\"></head><body>\n"
            + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
