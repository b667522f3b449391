import Foundation

/// What a remote command produced: both output streams in full, and how it ended.
public struct SSHExecResult: Sendable, Equatable {
    public var stdout: Data
    public var stderr: Data
    /// The command's exit status; 0 also when the server sent none (the command was killed by a signal).
    public var exitStatus: Int32
    /// The signal that ended the command, without the `SIG` prefix (`"TERM"`), when a signal did.
    public var exitSignal: String?

    public init(stdout: Data, stderr: Data, exitStatus: Int32, exitSignal: String? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }

    /// True when the command exited on its own with status 0.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
}
