import CLibSSH2

/// libssh2_init sets up the crypto backend once per process and is not itself thread-safe: a global's initialiser
/// runs exactly once, under Swift's own once-lock, whichever thread touches it first.
private let libssh2InitResult: Int32 = libssh2_init(0)

enum LibSSH2 {
    /// Call before creating a session; cheap after the first time.
    static func initialize() throws(SSHError) {
        guard libssh2InitResult == 0 else {
            throw SSHError(.connectFailed, "libssh2_init failed with \(libssh2InitResult)", retriable: false)
        }
    }

    static var version: String { libssh2_version(0).map { String(cString: $0) } ?? "unknown" }

    /// libssh2 before 1.11 signs user authentication with RSA keys as ssh-rsa (SHA-1) only, which OpenSSH 8.8
    /// and later refuse by default.
    static var signsRSAWithSHA2: Bool { libssh2_version(0x010B00) != nil }
}

/// A libssh2 failure: its error code and `libssh2_session_last_error` message.
struct LibSSH2Failure: Sendable, Equatable, CustomStringConvertible {
    let code: Int32
    let message: String

    /// Errors that concern one channel only; anything else means the connection can no longer be trusted.
    var isChannelLevel: Bool {
        switch code {
        case LIBSSH2_ERROR_CHANNEL_FAILURE, LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED, LIBSSH2_ERROR_CHANNEL_UNKNOWN,
            LIBSSH2_ERROR_CHANNEL_WINDOW_EXCEEDED, LIBSSH2_ERROR_CHANNEL_PACKET_EXCEEDED,
            LIBSSH2_ERROR_CHANNEL_CLOSED, LIBSSH2_ERROR_CHANNEL_EOF_SENT:
            true
        default:
            false
        }
    }

    /// libssh2 1.10 refuses to start a packet while another one is still half-sent (`send_existing`); nothing of the
    /// new packet went out, so the call can be repeated once the other packet is through.
    var isPendingPacketConflict: Bool { code == LIBSSH2_ERROR_BAD_USE }

    var description: String { message.isEmpty ? "libssh2 error \(code)" : "libssh2 error \(code): \(message)" }
}

/// The outcome of one non-blocking libssh2 call.
enum LibSSH2Outcome<Value> {
    case done(Value)
    /// `LIBSSH2_ERROR_EAGAIN`: call again once the socket is ready in the directions the session reports.
    case wouldBlock
    case failed(LibSSH2Failure)
}
