extension MountTable {
    /// The mount processes of this namespace see at `/`: the last one mounted there, since a
    /// mount on top of `/` hides the ones below it and mountinfo lists mounts in the order they
    /// were made (proc_pid_mountinfo(5)).
    public var rootMount: Mount? { mounts.last { $0.mountPoint == "/" } }

    /// The root mount when it is an overlay: a container's `/`, the merged dir its engine
    /// pivot_root(2)'ed into. The one place that says "the root mount is an overlay".
    public var rootOverlay: Mount? {
        guard let root = rootMount, root.fsType == "overlay" else { return nil }
        return root
    }
}
