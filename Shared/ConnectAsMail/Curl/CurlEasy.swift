import CCurl
import Foundation

/// Owns one curl easy handle and what it points to (recipient list, error buffer, upload source) for one SMTP
/// transaction; frees them in `deinit`. Used only on the client's blocking queue.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private var recipients: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var upload: Upload?

    /// The bytes curl reads through the read callback.
    final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    init() throws(MailError) {
        guard CurlGlobal.initialized == CURLE_OK, let handle = curl_easy_init() else {
            throw MailError(.internalError, message: "libcurl could not create a handle", isRetriable: true)
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        // No signals: several threads use libcurl, and timeouts must not rely on SIGALRM.
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        if let recipients { curl_slist_free_all(recipients) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(MailError) {
        try check(ccurl_setopt_long(handle, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(MailError) {
        // libcurl copies string options (all but POSTFIELDS), so the temporary C string may go.
        try check(value.withCString { ccurl_setopt_string(handle, option, $0) })
    }

    func setRecipients(_ addresses: [String]) throws(MailError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for address in addresses {
            guard let extended = curl_slist_append(list, "<\(address)>") else {
                if let list { curl_slist_free_all(list) }
                throw MailError(
                    .internalError, message: "libcurl could not build the recipient list", isRetriable: true)
            }
            list = extended
        }
        recipients = list
        try check(ccurl_setopt_pointer(handle, CURLOPT_MAIL_RCPT, list))
    }

    func setUpload(_ bytes: [UInt8]) throws(MailError) {
        let upload = Upload(bytes)
        self.upload = upload
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_INFILESIZE_LARGE, bytes.count)
        try check(ccurl_setopt_read_function(handle, Self.read))
        try check(ccurl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(upload).toOpaque()))
    }

    /// Runs the transaction; blocks until it is done or a timeout fires.
    func perform() -> (code: CURLcode, detail: String, replyCode: Int?) {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        var reply = 0
        let replyCode =
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply) == CURLE_OK && reply > 0 ? reply : nil
        return (code, String(cString: errorBuffer), replyCode)
    }

    private func check(_ code: CURLcode) throws(MailError) {
        guard code == CURLE_OK else {
            throw MailError(
                .internalError, message: "libcurl refused an option", curlCode: Int(code.rawValue),
                curlMessage: String(cString: curl_easy_strerror(code)), isRetriable: false)
        }
    }

    private static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int =
        { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
            let length = min(size * count, upload.bytes.count - upload.offset)
            guard length > 0 else { return 0 }
            upload.bytes.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + upload.offset, byteCount: length)
            }
            upload.offset += length
            return length
        }
}
