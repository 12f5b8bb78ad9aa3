import CutawayModel
import CutawayReaders
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths, processes and the scenario for tests.
enum TestSupport {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let scenarioFixture = testsDirectory.appendingPathComponent("Fixtures/scenario").path
    static let scenarioScript = packageRoot.appendingPathComponent("Tests/Scripts/scenario.sh").path

    static var isRoot: Bool { getuid() == 0 }

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
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: try Data(contentsOf: out), stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    static func cutaway(_ arguments: String...) throws -> Result { try run(cutawayBinary, arguments) }

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
    static func withScenario<T>(_ body: ([String: String]) throws -> T) throws -> T {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-scenario-state-\(UUID().uuidString)").path
        defer {
            _ = try? run("/bin/bash", [scenarioScript, "down", state])
            try? FileManager.default.removeItem(atPath: state)
        }
        let up = try run("/bin/bash", [scenarioScript, "up", state])
        guard up.status == 0 else { throw ScenarioError(message: "scenario.sh up failed (\(up.status)): \(up.stderr)") }
        return try body(try readEnv(state + "/env"))
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
