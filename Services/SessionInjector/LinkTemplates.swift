import ConnectAsService
import Foundation

/// The link's base and the redirect after redeeming, as configured: templates in which `{domain}` is the
/// environment's domain, so each environment's link and cookie are on its own host (behind its reverse proxy).
struct LinkTemplates: Sendable {
    let base: String
    let redirect: String
    /// The cookie gets `Secure` when links are https (always in production; the local demo runs on http).
    let secure: Bool

    static let redeemPath = "/connectas/redeem/"

    init(configuration: InjectorConfiguration) throws {
        base =
            configuration.linkBaseURL.hasSuffix("/")
            ? String(configuration.linkBaseURL.dropLast()) : configuration.linkBaseURL
        redirect = configuration.redirectURL
        let example = base.replacingOccurrences(of: "{domain}", with: "odoo.example.com")
        guard let url = URL(string: example), let scheme = url.scheme?.lowercased(),
            ["https", "http"].contains(scheme),
            url.host?.isEmpty == false, url.query == nil, url.fragment == nil
        else {
            throw ConfigurationError(
                key: InjectorConfiguration.Key.linkBaseURL, problem: "is \"\(configuration.linkBaseURL)\"",
                fix: "use an absolute http(s) URL without query, e.g. https://{domain} ({domain} is the environment's)")
        }
        secure = scheme == "https"
        let target = redirect.replacingOccurrences(of: "{domain}", with: "odoo.example.com")
        let isPath = target.hasPrefix("/") && !target.hasPrefix("//")
        let isAbsolute = URL(string: target).map { ["http", "https"].contains($0.scheme?.lowercased() ?? "") } ?? false
        guard isPath || isAbsolute, !target.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw ConfigurationError(
                key: InjectorConfiguration.Key.redirectURL, problem: "is \"\(configuration.redirectURL)\"",
                fix: "use a path such as /web, or an absolute http(s) URL")
        }
    }

    /// Host names (and an optional port) only, so a domain from the platform cannot reshape the URL.
    nonisolated(unsafe) static let domainPattern = /[A-Za-z0-9]([A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?/

    static func isValidDomain(_ domain: String) -> Bool {
        domain.wholeMatch(of: domainPattern) != nil && !domain.contains("..")
    }

    func link(domain: String, token: LinkToken) -> URL? {
        guard Self.isValidDomain(domain) else { return nil }
        return URL(string: base.replacingOccurrences(of: "{domain}", with: domain) + Self.redeemPath + token.text)
    }

    func redirect(domain: String) -> String {
        Self.isValidDomain(domain) ? redirect.replacingOccurrences(of: "{domain}", with: domain) : "/web"
    }
}
