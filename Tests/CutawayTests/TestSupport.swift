import CutawayModel
import CutawayReaders
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Paths, processes and the scenario for tests.
enum TestSupport {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let scenarioFixture = testsDirectory.appendingPathComponent("Fixtures/scenario").path
    static let scenarioScript = packageRoot.appendingPathComponent("Tests/Scripts/scenario.sh").path
    static let overlayScenarioScript = packageRoot.appendingPathComponent("Tests/Scripts/overlay-scenario.sh").path

    static var isRoot: Bool { getuid() == 0 }

    /// docker.io, podman, runc and busybox-static (scripts/install-deps.sh installs them).
    static var enginesInstalled: Bool {
        ["/usr/sbin/dockerd", "/usr/bin/docker", "/usr/bin/podman", "/usr/sbin/runc", "/bin/busybox"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The `cutaway` executable next to the test bundle (built because the tests depend on it).
    static var cutawayBinary: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cutaway").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("cutaway").path,
            Bundle.main.bundleURL.appendingPathComponent("cutaway").path,
            packageRoot.appendingPathComponent(".build/debug/cutaway").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: stdout) as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
            return object
        }
    }

    /// Runs a program to completion; stdout and stderr go to files, so a child that keeps a
    /// pipe open cannot hang the test.
    ///
    /// Spawned with posix_spawn and an *empty* signal mask and default dispositions:
    /// Foundation's Process, called from a Swift Testing worker thread, hands its blocked
    /// signals to the child, and then `kill PID` (SIGTERM) in the scenario script does nothing.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let pid = try start(executable, arguments, actions: &actions)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
                      stdout: try Data(contentsOf: URL(fileURLWithPath: out)),
                      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: err)), as: UTF8.self))
    }

    static func cutaway(_ arguments: String...) throws -> Result { try run(cutawayBinary, arguments) }

    /// Starts a program without waiting (same spawn rules as ``run(_:_:)``); its output goes to `outputFile`.
    static func spawn(_ executable: String, _ arguments: [String], outputFile: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        return try start(executable, arguments, actions: &actions)
    }

    /// posix_spawn with an empty signal mask and default dispositions (see ``run(_:_:)``).
    private static func start(_ executable: String, _ arguments: [String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// `KEY=VALUE` lines of a scenario env file.
    static func readEnv(_ path: String) throws -> [String: String] {
        var env: [String: String] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            env[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return env
    }

    /// The scenario's namespaces, up for the duration of `body`, torn down even when it throws.
    static func withScenario<T>(script: String = scenarioScript, _ body: ([String: String]) throws -> T) throws -> T {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-scenario-state-\(UUID().uuidString)").path
        defer {
            _ = try? run("/bin/bash", [script, "down", state])
            try? FileManager.default.removeItem(atPath: state)
        }
        let up = try run("/bin/bash", [script, "up", state])
        guard up.status == 0 else { throw ScenarioError(message: "\(script) up failed (\(up.status)): \(up.stderr)") }
        var env = try readEnv(state + "/env")
        env["STATE_DIR"] = state
        return try body(env)
    }

    struct ScenarioError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func weirdName(_ env: [String: String]) -> [UInt8] { [UInt8](Data(base64Encoded: env["WEIRD_NAME_B64"]!)!) }
}

extension Snapshot {
    func process(_ pid: String?) -> ProcessRecord? { pid.flatMap(Int32.init).flatMap { p in processes.first { $0.pid == p } } }
    func table(ofPID pid: String?) -> MountTable? {
        guard let p = process(pid), let mnt = p.namespaces[.mnt] else { return nil }
        return mountTables.first { $0.mountNamespace == mnt }
    }
}

/// Every suite that builds things on the live system (namespaces, mounts, engines) nests here,
/// so they run one after another: dockerd's mounts in the host namespace, for instance, would
/// otherwise show up in another suite's mount tables. `.serialized` applies to nested suites.
@Suite(.serialized) enum LiveSystemTests {}
