import CutawayModel

/// `"image"` in `cutaway layers IMAGE --json`.
public struct ImageJSON: Encodable {
    /// The image written.
    public var image: EngineImage
    /// The JSON of `image`.
    public init(image: EngineImage) { self.image = image }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(image.engine, forKey: "engine")
        try c.encode(image.id, forKey: "id")
        try c.encode(image.names, forKey: "names")
        try c.encodeOrNull(image.engineNamespace, forKey: "engineNamespace")
        try c.encodeOrNull(image.targetDigest, forKey: "targetDigest")
        try c.encode(image.storeRoot, forKey: "storeRoot")
    }
}
