import Foundation
import PackagePlugin

/// Embeds the lessons (`tutorials/NN-name.md`) into `CutawayLessons` as Swift source, so that
/// a built cutaway carries its lessons and never reads a `tutorials/` directory at run time.
@main
struct EmbedLessons: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tutorials = context.package.directoryURL.appending(path: "tutorials")
        let lessons = try FileManager.default.contentsOfDirectory(at: tutorials, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" && $0.lastPathComponent.first?.isNumber == true }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "ShippedLessons.swift")
        return [.buildCommand(
            displayName: "Embedding \(lessons.count) lessons from tutorials/",
            executable: try context.tool(named: "EmbedLessonsTool").url,
            arguments: [output.path] + lessons.map(\.path),
            inputFiles: lessons,
            outputFiles: [output]
        )]
    }
}
