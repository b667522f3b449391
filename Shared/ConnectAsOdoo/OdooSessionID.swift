/// An Odoo session id: whoever holds it is signed in as the user, so it is kept out of every description, log line
/// and dump. Only ``rawValue`` gives it, for the redeem cookie and for encrypting it at rest.
public struct OdooSessionID: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { "<odoo session id>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
