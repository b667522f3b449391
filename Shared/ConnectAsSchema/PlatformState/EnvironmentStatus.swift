/// The platform's lifecycle status of an environment; only `running` admits a session.
public enum EnvironmentStatus: String, SchemaEnum {
    case running = "running"
    case deploying = "deploying"
    case cloning = "cloning"
    case stopped = "stopped"
}
