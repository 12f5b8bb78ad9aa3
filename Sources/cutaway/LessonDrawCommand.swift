import ArgumentParser
import CutawayModel
import CutawayReaders
import CutawayRender
import Foundation

extension LessonCommand {
    /// The pictures the lessons draw: like `mounts`, `namespaces` and `layers`, but showing only
    /// what a lesson is about, inside the lesson sandbox, with `$LAB` for the lesson's
    /// directory and no names of the machine.
    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draw",
            abstract: "Draw a lesson's picture (the lessons' ```picture blocks use it, inside the sandbox).",
            usage: "cutaway lesson draw <KIND> [--merged <DIR>] [<options>]",
            discussion: """
            Examples (inside a lesson):
              cutaway lesson draw mounts --panel "sandbox=1" --panel "container=$C" \\
                --format png --output "$OUT"
              cutaway lesson draw pids --format svg,png --output "$OUT"
            """)

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case mounts, pids, container, namespaces, layers

            /// What each picture shows (help lists it under KIND).
            var defaultValueDescription: String {
                switch self {
                case .mounts: "The mount tables of the given processes side by side: each one's root and the mounts under --focus, the machine's other mounts folded into one node, what is not in every table outlined, peer groups coloured."
                case .pids: "The pid-namespace tree below cutaway's own, each process with its pid at every level."
                case .container: "A container built by hand (--pid PID): overlay layers, merged directory, pivot_root, its PID 1, its own and shared namespaces."
                case .namespaces: "The namespaces diagram with cutaway's own namespaces named as --reader."
                case .layers: "The overlay mounted at --merged DIR: its layers as bands, paths as $LAB/…."
                }
            }
        }

        @Argument(help: ArgumentHelp("What to draw:", valueName: "KIND", argumentType: Kind.self)) var kind: Kind
        @Option(help: ArgumentHelp("The overlay mount point of `layers`.", valueName: "DIR")) var merged: String?
        @Option(help: ArgumentHelp("A mount table to show: LABEL=PID (repeatable, in order; the first is the one the others are compared with).", valueName: "LABEL=PID"))
        var panel: [String] = []
        @Option(help: ArgumentHelp("The process of `container`.", valueName: "PID")) var pid: Int32?
        @Option(help: ArgumentHelp("The lesson's directory, shown as $LAB (default: $LAB).", valueName: "DIR")) var focus: String?
        @Option(help: ArgumentHelp("What cutaway's own namespaces are called.", valueName: "NAME")) var reader = "lesson sandbox"
        @Option(help: ArgumentHelp("The picture's title.", valueName: "TEXT")) var title: String?
        @Option(help: ArgumentHelp("File name without extension (default: lesson-KIND).", valueName: "NAME")) var name: String?
        @OptionGroup var diagram: DiagramOptions

        func validate() throws {
            guard diagram.wantsDiagram else { throw ValidationError("give --format (svg, png, …)") }
            if kind == .mounts && panel.isEmpty { throw ValidationError("mounts needs at least one --panel LABEL=PID") }
            if kind == .container && pid == nil { throw ValidationError("container needs --pid PID") }
            if kind == .layers && merged == nil { throw ValidationError("layers needs --merged DIR") }
        }

        func run() throws {
            let snapshot = SnapshotScanner(source: DirectoryProcSource.live()).scan()
            let index = SnapshotIndex(snapshot)
            let focus = URL(fileURLWithPath: self.focus ?? ProcessInfo.processInfo.environment["LAB"] ?? "/nonexistent").standardizedFileURL.path
            func table(of pid: Int32) throws -> MountTable {
                guard let p = index.process(pid) else { throw CutawayFailure("no process \(pid) (it may have exited)") }
                guard let mnt = p.namespaces[.mnt], let t = index.mountTable(mnt) else { throw CutawayFailure("the mount table of pid \(pid) could not be read") }
                return t
            }
            let dot: String
            switch kind {
            case .mounts:
                let panels = try panel.map { spec -> LessonMountDiagram.Panel in
                    guard let eq = spec.lastIndex(of: "="), let pid = Int32(spec[spec.index(after: eq)...]) else {
                        throw ValidationError("--panel takes LABEL=PID, not '\(spec)'")
                    }
                    let t = try table(of: pid)
                    return .init(title: "\(spec[..<eq]) (mnt:\(t.mountNamespace))", table: t)
                }
                dot = LessonMountDiagram.dot(panels: panels, focus: focus, title: title ?? "Mount tables")
            case .pids:
                dot = LessonPidDiagram.dot(snapshot, readerName: reader, title: title ?? "The pid-namespace tree")
            case .container:
                guard let pid, let p = index.process(pid) else { throw CutawayFailure("no process \(pid ?? 0) (it may have exited)") }
                let t = try table(of: pid)
                guard let stack = t.rootOverlayStack ?? OverlayReader.stacks(in: t).lazy.compactMap({ try? $0.stack.get() }).first else {
                    throw CutawayFailure("pid \(pid) has no overlay mount: its root is not an overlay")
                }
                dot = LessonContainerDiagram.dot(stack: stack, process: p, mountTable: t, snapshot: snapshot, focus: focus,
                                                 readerName: reader, title: title ?? "A container built by hand")
            case .layers:
                let wanted = URL(fileURLWithPath: merged ?? "").standardizedFileURL.path
                guard let own = snapshot.reader.namespaces[.mnt], let t = index.mountTable(own),
                      let stack = OverlayReader.stacks(in: t).compactMap({ try? $0.stack.get() }).last(where: { $0.mergedDir.description == wanted }) else {
                    throw CutawayFailure("\(wanted) is not the mount point of an overlay mount")
                }
                dot = LessonLayersDiagram.dot(OverlayReader.inspect(stack), lab: focus, title: title)
            case .namespaces:
                dot = NamespaceDiagram(readerName: reader, title: title ?? "Namespaces in the \(reader): each box is owned by the user namespace around it").dot(snapshot)
            }
            for path in try diagram.write(dot, name: name ?? "lesson-\(kind.rawValue)") { print("wrote \(path)") }
        }
    }
}
