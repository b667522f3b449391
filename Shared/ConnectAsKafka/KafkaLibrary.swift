import CRdKafka

/// The librdkafka this process linked at run time, and the oldest one the suite accepts.
public enum KafkaLibrary {
    /// librdkafka before 2.2.0 skips KIP-482 tagged fields wrongly (librdkafka #4278) and fails every connection
    /// to Tansu with "ApiVersionRequest failed: Local: Read underflow". Compared on major and minor only, so a
    /// 2.2 pre-release (`0x020200xx`) counts as 2.2.
    public static let minimumVersion = 0x0202_0000

    /// The version as librdkafka reports it at run time (`rd_kafka_version_str()`), e.g. "2.8.0".
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// `rd_kafka_version()`: 0xMMmmrrpp (major, minor, revision, pre-release; 0xff for a release).
    public static var versionNumber: Int { Int(rd_kafka_version()) }

    /// Throws, saying how to fix it, when the librdkafka in use is older than 2.2.
    ///
    /// - Parameter versionNumber: the number to check, in `rd_kafka_version()`'s format; defaults to the linked one.
    public static func requireSupportedVersion(_ versionNumber: Int = KafkaLibrary.versionNumber) throws {
        guard versionNumber & ~0xffff < minimumVersion else { return }
        throw KafkaError(
            code: .unsupportedLibrary,
            message: "librdkafka \(describe(versionNumber)) is too old: Connect As needs librdkafka 2.2 or newer "
                + "(older versions cannot read the broker's ApiVersions reply, librdkafka #4278). "
                + "Fix: run scripts/setup, which builds librdkafka 2.8 from Debian trixie's source into /usr/local, "
                + "then restart the service (pkg-config and the dynamic loader pick /usr/local first).",
            isFatal: true)
    }

    /// "2.0.2" from 0x020002ff.
    static func describe(_ versionNumber: Int) -> String {
        let major = (versionNumber >> 24) & 0xff
        let minor = (versionNumber >> 16) & 0xff
        let revision = (versionNumber >> 8) & 0xff
        let preRelease = versionNumber & 0xff
        return "\(major).\(minor).\(revision)" + (preRelease == 0xff ? "" : "-pre\(preRelease)")
    }
}
