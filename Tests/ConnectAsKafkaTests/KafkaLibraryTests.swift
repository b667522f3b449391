import ConnectAsKafka
import Testing

@Suite("librdkafka version check")
struct KafkaLibraryTests {
    @Test("Debian bookworm's librdkafka 2.0.2 is refused with the fix")
    func refusesOldLibrary() throws {
        let error = try #require(throws: KafkaError.self) { try KafkaLibrary.requireSupportedVersion(0x0200_02ff) }
        #expect(error.code == .unsupportedLibrary)
        #expect(error.isFatal)
        #expect(error.message.contains("librdkafka 2.0.2"))
        #expect(error.message.contains("2.2 or newer"))
        #expect(error.message.contains("scripts/setup"))
        #expect(error.message.contains("trixie"))
    }

    @Test("2.1.1 is refused, a 2.2 pre-release and later releases are accepted")
    func boundary() throws {
        #expect(throws: KafkaError.self) { try KafkaLibrary.requireSupportedVersion(0x0201_01ff) }
        try KafkaLibrary.requireSupportedVersion(0x0202_0001)
        try KafkaLibrary.requireSupportedVersion(0x0202_00ff)
        try KafkaLibrary.requireSupportedVersion(0x0208_00ff)
        try KafkaLibrary.requireSupportedVersion(0x0300_00ff)
    }

    @Test("the linked librdkafka passes and reports its version")
    func linkedLibrary() throws {
        try KafkaLibrary.requireSupportedVersion()
        #expect(
            KafkaLibrary.version.hasPrefix(
                "\(KafkaLibrary.versionNumber >> 24).\((KafkaLibrary.versionNumber >> 16) & 0xff)."))
    }
}
