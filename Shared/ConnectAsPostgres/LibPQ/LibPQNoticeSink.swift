import CLibPQ
import Logging

/// Routes the server's NOTICE and WARNING messages into swift-log; libpq would print them to stderr otherwise.
///
/// Immutable, so Sendable; libpq calls it on the connection's queue, during the call that produced the notice.
final class LibPQNoticeSink: Sendable {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// The connection keeps the sink alive for as long as the `PGconn` exists, so an unretained pointer is enough.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(
            connection,
            { context, result in
                guard let context, let result else { return }
                Unmanaged<LibPQNoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
            },
            Unmanaged.passUnretained(self).toOpaque())
    }

    private func receive(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let severity = field("V") ?? "NOTICE"
        let level: Logger.Level = severity == "WARNING" ? .warning : .debug
        logger.log(
            level: level, "\(field("M") ?? "")",
            metadata: [
                PostgresLoggingKeys.severity: "\(severity)", PostgresLoggingKeys.sqlState: "\(field("C") ?? "")",
            ])
    }
}
