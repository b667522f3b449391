/// PostgreSQL's text cannot hold NUL (libpq refuses it in a parameter), yet an event may carry one where the
/// contract allows any character (a refused reason). The record's `canonical` keeps the exact bytes, JSON-escaped;
/// the columns beside it, which only index and display it, get U+FFFD in its place.
extension String {
    var storableAsText: String {
        utf8.contains(0) ? replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : self
    }
}

extension Optional where Wrapped == String {
    var storableAsText: String? { map(\.storableAsText) }
}
