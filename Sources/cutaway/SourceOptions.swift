import ArgumentParser
import CutawayModel
import CutawayReaders
import CutawaySystem
import CutawayRender
import Foundation
import SystemPackage

/// Where a view gets its data: the live kernel (default), a capture directory, or a saved snapshot.
struct SourceOptions: ParsableArguments {
    @Option(name: .customLong("proc"), help: ArgumentHelp("Read a capture made by `cutaway capture DIR` instead of the live /proc.", valueName: "DIR"))
    var captureDirectory: String?

    @Option(name: .customLong("from"), help: ArgumentHelp("Read a snapshot saved by `cutaway snapshot` (its snapshot.json).", valueName: "FILE"))
    var snapshotFile: String?

    func validate() throws {
        if captureDirectory != nil && snapshotFile != nil {
            throw ValidationError("--proc and --from both name a source; give one of them")
        }
    }

    /// The most bytes read from a saved snapshot.
    static let snapshotLimit = 1 << 30

    /// Reads the snapshot and reports input problems (malformed lines) on stderr. A scan reads
    /// what `scan` asks for; `engines: false` skips asking the container engines.
    func load(scan: SnapshotScanner.Options = .init(), engines: Bool = true) throws -> Snapshot {
        var snapshot: Snapshot
        if let file = snapshotFile {
            let data: Data
            do { data = Data(try FileDescriptor.readRegularFile(at: FilePath(file), limit: Self.snapshotLimit)) } catch {
                throw CutawayFailure("cannot read \(file): \(error)")
            }
            do { snapshot = try JSONDecoder().decode(Snapshot.self, from: data) } catch {
                throw CutawayFailure("\(file) is not a cutaway snapshot (\(describe(error))); save one with `cutaway snapshot` or `cutaway snapshot --json > FILE`")
            }
            guard snapshot.formatVersion == Snapshot.currentFormatVersion else {
                throw CutawayFailure("\(file) has snapshot format \(snapshot.formatVersion); this cutaway reads format \(Snapshot.currentFormatVersion)")
            }
        } else if let dir = captureDirectory {
            let source: DirectoryProcSource
            do { source = try DirectoryProcSource.capture(at: dir) } catch { throw CutawayFailure(error.description) }
            snapshot = SnapshotScanner(source: source, options: scan).scan().withVisibilityHints()
        } else {
            var live = SnapshotScanner(source: DirectoryProcSource.live(), options: scan).scan().withVisibilityHints()
            if engines { live.containers = EngineDiscovery.discover(snapshot: live).containers }
            snapshot = live
        }
        for d in snapshot.diagnostics { FileHandleOutput.standardError("\(d)\n") }
        return snapshot
    }

    private func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx): "missing \(ctx.codingPath.map(\.stringValue).joined(separator: ".")).\(key.stringValue)"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
            "\(ctx.debugDescription) at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }
}

/// `--type pid,user`
struct NamespaceTypeList: ExpressibleByArgument {
    var types: Set<NamespaceType>
    init?(argument: String) {
        var out = Set<NamespaceType>()
        for part in argument.split(separator: ",") {
            guard let t = NamespaceType(rawValue: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            out.insert(t)
        }
        guard !out.isEmpty else { return nil }
        types = out
    }
    static var allValueStrings: [String] { NamespaceType.allCases.map(\.rawValue) }
}

extension NamespaceTree.Relation: ExpressibleByArgument {}
