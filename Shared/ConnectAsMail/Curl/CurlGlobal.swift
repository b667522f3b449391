import CCurl

/// libcurl's process-wide set-up, done once before the first handle; libcurl 7.84 and later make it thread-safe,
/// and a Swift static is initialised exactly once either way.
enum CurlGlobal {
    static let initialized: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}
