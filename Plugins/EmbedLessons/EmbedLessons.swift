import Foundation
import PackagePlugin

/// Embeds the lessons (`tutorials/NN-name.md`) into `CutawayLessons` as Swift source, so that
/// a built cutaway carries its lessons and never reads a `tutorials/` directory at run time.
/// The tool lists the directory itself (SwiftPM may reuse this plugin's answer until the
/// package changes, so a lesson added later must not depend on the list made here); the
/// directory is an input too, so adding or removing a lesson re-runs it.
@main
struct EmbedLessons: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tutorials = context.package.directoryURL.appending(path: "tutorials")
        let lessons = try FileManager.default.contentsOfDirectory(at: tutorials, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
        let output = context.pluginWorkDirectoryURL.appending(path: "ShippedLessons.swift")
        return [.buildCommand(
            displayName: "Embedding the lessons of tutorials/",
            executable: try context.tool(named: "EmbedLessonsTool").url,
            arguments: [output.path, tutorials.path],
            inputFiles: [tutorials] + lessons,
            outputFiles: [output]
        )]
    }
}
