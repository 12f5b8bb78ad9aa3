import CutawayModel

/// An engine's store of overlay layers read from disk, one directory tree per store: Docker's
/// overlay2 storage and podman's containers-storage. What both give cutaway: their containers
/// and images with layers resolved to host paths beneath the store.
public protocol EngineStore: Sendable {
    /// The engine whose records these are.
    static var engine: Container.Engine { get }
    /// True when `store` has this engine's records (the test discovery uses).
    static func looksLike(_ store: StoreRoot) -> Bool
    /// A reader of the store `store`, owned by `owner` when not root (see ``Container/storeOwner``).
    init(store: StoreRoot, owner: String?)
    /// The store's root directory.
    var store: StoreRoot { get }
    /// Whose store this is when not root's (see ``Container/storeOwner``).
    var owner: String? { get }
    /// Every container in the store with its layers, top first; what could not be read goes to `notes`.
    func containers(notes: inout [String]) -> [Container]
    /// Every image in the store with its layers, top first; what could not be read goes to `notes`.
    func images(notes: inout [String]) -> [EngineImage]
}

extension EngineStore {
    /// The store's path.
    public var root: String { store.path }
}
