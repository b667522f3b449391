/// Checks of the machine a service runs on, made before it starts anything.
enum StartupChecks {
    static func run() throws {
        // Filled in as the C-library wrappers land (librdkafka version check).
    }
}
