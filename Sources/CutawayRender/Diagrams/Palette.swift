import CutawayModel

/// Every colour cutaway draws with, by what it marks: the diagrams (DOT) and the explorer
/// page's style take their colours from here and nowhere else.
public enum Palette {
    /// The fill of each namespace type's boxes.
    public static func fill(_ type: NamespaceType) -> String {
        switch type {
        case .user: "#eadcf8"
        case .pid: "#ffe0c2"
        case .mnt: "#d3e6fb"
        case .net: "#d4f3d9"
        case .ipc: "#fff2ac"
        case .uts: "#fbd9e8"
        case .cgroup: "#e3e3e3"
        case .time: "#d3f1f1"
        }
    }
    /// The font of every label.
    public static let font = "Helvetica"

    // MARK: Who
    /// The reader's own namespaces ("the host").
    public static let host = "#404040"
    /// A container's namespaces.
    public static let container = "#1f6fbf"
    /// The namespaces a focus view is about.
    public static let focus = "#d0021b"
    /// Dashed: a namespace with no process left in it.
    public static let hidden = "#9a9a9a"

    // MARK: Neutral
    /// White: nothing to mark (a private mount, a plain cell, a legend row about a line or border).
    public static let plain = "#ffffff"
    /// Black: a thick outline.
    public static let outline = "#000000"
    /// The border of a box that groups others (layers, bind mounts, other namespaces).
    public static let groupBorder = "#888888"
    /// A line from a process to the namespaces it is in.
    public static let membership = "#aaaaaa"
    /// A line from a parent to its child (processes, lesson mounts).
    public static let parentChild = "#808080"
    /// Grey fill: what is folded, shadowed or hidden below.
    public static let faded = "#f2f2f2"
    /// Red fill: what deletes or gives away something (a whiteout, root mapped to root).
    public static let alarm = "#fde3e0"
    /// A group of alike namespaces folded into one box.
    public static let folded = "#eef3fb"
    /// The text of a node that stands for mounts left out.
    public static let foldedText = "#606060"

    // MARK: Mounts and propagation (mount_namespaces(7))
    /// Green: shared propagation (`shared:N`) in borders, lines and legends.
    public static let shared = "#2e8b57"
    /// Orange: slave propagation (`master:N`, `propagate_from:N`).
    public static let slave = "#e07b00"
    /// Red: an unbindable mount.
    public static let unbindable = "#c0392b"
    /// Fill of a mount in a peer group (`shared:N`).
    public static let sharedFill = "#cdeccf"
    /// Fill of a slave mount (`master:N`).
    public static let slaveFill = "#ffd9b0"
    /// Fill of a mount that is both.
    public static let sharedSlaveFill = "#fff0b3"
    /// The mount namespace a mount diagram is about.
    public static let mainTable = "#1f6fbf"
    /// A parent mount -> child mount line.
    public static let mountParent = "#777777"
    /// The lines of peer groups across namespaces, one colour per group in turn.
    public static let peerGroupLines = ["#2e8b57", "#1f6fbf", "#8e44ad", "#b8860b", "#16a085", "#7f8c8d", "#2c3e50", "#6b8e23"]
    /// A lesson's peer groups: the fill of each, in turn.
    public static let lessonGroupFills = ["#cfe8cf", "#cfe0f5", "#f5dccf", "#eadcf5", "#f5f0c0", "#d0f0ee", "#f5d0e0", "#e0e0e0"]
    /// A lesson's peer groups: the line of each, in turn (the same hue as its fill).
    public static let lessonGroupLines = ["#2e8b57", "#1f6fbf", "#c0602b", "#7b4fb0", "#a08a00", "#1a9a90", "#c0407a", "#606060"]
    /// Two mount tables compared: a mount only in the first.
    public static let onlyFirst = "#1f6fbf"
    /// A mount only in the second.
    public static let onlySecond = "#b8860b"
    /// A mount in both.
    public static let inBoth = "#555555"

    // MARK: Overlay layers
    /// A whiteout's mark (Documentation/filesystems/overlayfs.rst, "Whiteouts and opaque directories").
    public static let whiteout = "#c0392b"
    /// The upper (read-write) layer.
    public static let upper = "#fff4c2"
    /// A lower (read-only) layer.
    public static let lower = "#e4eefb"
    /// A data-only lower layer.
    public static let data = "#eeeeee"
    /// The merged view (the overlay's mount point).
    public static let merged = "#d9f2d9"

    // MARK: User namespaces and id maps
    /// The fill of the initial user namespace's cluster.
    public static let initialUserNamespace = "#f4f0f8"
    /// The fill of any other user namespace's cluster.
    public static let userNamespace = "#faf6fd"
    /// The border of a user namespace's cluster.
    public static let userNamespaceBorder = "#8e6bb5"
    /// A range of a `uid_map`.
    public static let uidRange = "#eadcf8"
    /// A range of a `gid_map`.
    public static let gidRange = "#dceaf8"

    // MARK: Pid namespaces
    /// The line from a pid namespace to a child pid namespace.
    public static let childPidNamespace = "#c26a00"
    /// The border of a child pid namespace in a lesson.
    public static let lessonChildPidNamespace = "#c06000"

    // MARK: Network and IPC
    /// The fill of a network namespace's box.
    public static let networkNamespace = "#f3fbf4"
    /// The border of a network namespace's box (not the host's, not a container's).
    public static let networkNamespaceBorder = "#5f9e6e"
    /// A loopback device.
    public static let loopback = "#eeeeee"
    /// A bridge device.
    public static let bridge = "#fff2ac"
    /// The line from a bridge port to its bridge.
    public static let bridgePort = "#b08800"
    /// A device that is down (no IFF_UP).
    public static let deviceDown = "#f4f4f4"
    /// The line between the two ends of a veth pair.
    public static let veth = "#2e8b57"
    /// The border of an IPC namespace's box (not the host's).
    public static let ipcNamespaceBorder = "#b59f00"

    /// The explorer page (index.html).
    public enum Page {
        /// Body text.
        public static let text = "#222"
        /// The title of the diagram shown.
        public static let secondaryText = "#444"
        /// The first column of the details table (what each row is).
        public static let label = "#666"
        /// Text set back (`.muted`).
        public static let muted = "#777"
        /// Links from the details to other items.
        public static let link = "#1f5fbf"
        /// The diagram view's background.
        public static let background = "#fff"
        /// The side bar's background (search, results, tree).
        public static let sidebar = "#fafafa"
        /// The background of the report's preformatted text.
        public static let code = "#f6f6f6"
        /// The line between the side bar and the rest.
        public static let sidebarBorder = "#ccc"
        /// The lines under the side bar's header, the search results and the details.
        public static let rule = "#ddd"
        /// The line under the diagram's button bar.
        public static let lightRule = "#eee"
        /// A search result or tree row under the pointer.
        public static let hover = "#e8f0fb"
        /// The chosen item (`.sel`).
        public static let selected = "#d3e3fa"
    }
}
