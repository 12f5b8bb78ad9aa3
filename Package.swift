// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "cutaway",
    products: [
        .executable(name: "cutaway", targets: ["cutaway"]),
        .library(name: "CutawayModel", targets: ["CutawayModel"]),
        .library(name: "CutawayReaders", targets: ["CutawayReaders"]),
        .library(name: "CutawayRender", targets: ["CutawayRender"]),
        .library(name: "CutawayGraphviz", targets: ["CutawayGraphviz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // ioctl(2) is variadic in C, NS_GET_* are function-like macros and lgetxattr(2) is
        // not in Swift's Glibc module: a tiny shim gives Swift typed entry points.
        .target(name: "CLinuxSyscalls"),
        // Plain Codable value types and the analysis that works on them. No I/O.
        .target(name: "CutawayModel"),
        // Thin typed wrappers, one per system-call family, for reading and writing where
        // other users own files: openat2 beneath a root, bounded regular-file reads, nsfs
        // opens, output directories and atomic writes. Everything that touches a path goes here.
        .target(
            name: "CutawaySystem",
            dependencies: ["CLinuxSyscalls", .product(name: "SystemPackage", package: "swift-system")]
        ),
        // Pure parsers for the kernel's text formats plus the I/O seam (ProcSource).
        .target(
            name: "CutawayReaders",
            dependencies: [
                "CutawayModel", "CLinuxSyscalls", "CutawaySystem",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Text reports and DOT, built from the model only, in pure Swift.
        .target(name: "CutawayRender", dependencies: ["CutawayModel"]),
        // Graphviz's libgvc: DOT -> SVG / PNG / PDF in-process.
        .systemLibrary(name: "CGraphviz", pkgConfig: "libgvc", providers: [.apt(["libgraphviz-dev"])]),
        .target(name: "CutawayGraphviz", dependencies: ["CGraphviz"]),
        // Guided lessons: the tutorials/ format, and a runner that drives a sandboxed shell.
        // The lessons themselves are embedded at build time (a binary carries its lessons).
        .target(name: "CutawayLessons", dependencies: ["CutawayModel", "CutawayRender", "CLinuxSyscalls", "CutawaySystem"], plugins: ["EmbedLessons"]),
        .executableTarget(name: "EmbedLessonsTool"),
        .plugin(name: "EmbedLessons", capability: .buildTool(), dependencies: ["EmbedLessonsTool"]),
        .executableTarget(
            name: "cutaway",
            dependencies: [
                "CutawayModel", "CutawayReaders", "CutawayRender", "CutawayGraphviz", "CutawayLessons", "CutawaySystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(
            name: "CutawayTests",
            dependencies: ["CutawayModel", "CutawayReaders", "CutawayRender", "CutawayGraphviz", "CutawayLessons", "CutawaySystem", "cutaway"],
            // Read in place (via #filePath): captures hold symlinks that must not be followed.
            exclude: ["Fixtures", "Golden"]
        ),
    ]
)
