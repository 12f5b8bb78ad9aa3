/// What `cutaway layers` found for its TARGET or `--pid`: the overlay stacks to show, the
/// first one the answer, each with what it is; and the container or image TARGET named.
public struct LayersFinding: Sendable {
    /// What an inspected stack is, so a renderer can say so.
    public enum Subject: Sendable {
        /// An overlay mounted at a path of the reader's mount namespace.
        case mountPoint
        /// The root (`/`) of a process: its mount namespace pivoted into the merged dir.
        case processRoot(pid: Int32, command: ByteString)
        /// Another overlay mounted in a process's mount namespace.
        case processMount(pid: Int32)
        /// The overlay of the finding's container (the kernel's own stack where it is
        /// mounted, else the engine's records).
        case container
        /// The finding's image: its read-only layers, as unpacked on disk.
        case image
    }

    /// One stack with its layers read and what it is.
    public struct Stack: Sendable {
        /// The stack with its layers read and resolved.
        public var inspection: OverlayInspection
        /// What the stack is.
        public var subject: Subject

        /// A stack of `subject`.
        public init(inspection: OverlayInspection, subject: Subject) { self.inspection = inspection; self.subject = subject }
    }

    /// The stacks to show, the answer first.
    public var stacks: [Stack]
    /// The container TARGET named, with the snapshot its anatomy is described from.
    public var container: (container: Container, index: SnapshotIndex)?
    /// The image TARGET named.
    public var image: EngineImage?

    /// A finding of these stacks, for the container or image TARGET named, if any.
    public init(stacks: [Stack], container: (container: Container, index: SnapshotIndex)? = nil, image: EngineImage? = nil) {
        self.stacks = stacks; self.container = container; self.image = image
    }
}
