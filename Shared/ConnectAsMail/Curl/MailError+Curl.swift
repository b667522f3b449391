import CCurl

extension MailError {
    /// Classifies a failed transfer by curl's code and the server's last reply: 4xx replies and broken connections
    /// are worth another try, 5xx replies and settings problems are not.
    init(curlCode code: CURLcode, detail: String, replyCode: Int?) {
        let curlMessage = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty ? curlMessage : detail
        let transientReply = replyCode.map { (400..<500).contains($0) }
        let kind: Code
        let retriable: Bool
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            (kind, retriable) = (.connectionFailed, true)
        case CURLE_OPERATION_TIMEDOUT:
            (kind, retriable) = (.timeout, true)
        case CURLE_LOGIN_DENIED:
            (kind, retriable) = (.authenticationFailed, transientReply ?? false)
        case CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            (kind, retriable) = (.tlsFailed, false)
        case CURLE_SSL_CONNECT_ERROR:
            // A handshake cut short is often the network; a protocol mismatch would fail the same way every time,
            // which the retry limit bounds.
            (kind, retriable) = (.tlsFailed, true)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            (kind, retriable) = (.invalidConfiguration, false)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_WEIRD_SERVER_REPLY,
            CURLE_PARTIAL_FILE:
            if let replyCode, replyCode >= 400 {
                // The server said no (RCPT failed: 550, DATA 452, …): its reply class decides.
                (kind, retriable) = (.rejected, transientReply ?? false)
            } else {
                (kind, retriable) = (.connectionLost, true)
            }
        default:
            (kind, retriable) = (.internalError, transientReply ?? false)
        }
        self.init(
            kind, message: message, curlCode: Int(code.rawValue), curlMessage: curlMessage,
            smtpReplyCode: replyCode, isRetriable: retriable)
    }
}
