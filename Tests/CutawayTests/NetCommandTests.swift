import Foundation
import Testing

/// `cutaway net` and `cutaway ipc` on a capture (no root needed): no contents, said plainly;
/// selection errors with what to do, and usage errors with status 2.
@Suite struct NetCommandTests {
    static let capture = TestSupport.scenarioFixture

    @Test func aCaptureHasNoNamespaceContentsAndSaysSo() throws {
        let json = try TestSupport.cutaway("net", "--proc", Self.capture, "--json")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try json.json()
        #expect((object["networks"] as? [Any])?.isEmpty == true)
        #expect((object["visibility"] as? [String: Any])?["namespaceContentsRead"] as? Bool == false)
        let text = try TestSupport.cutaway("ipc", "--proc", Self.capture)
        #expect(text.status == 0 && text.text.contains("read from the live kernel only"))
        let dot = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-net-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dot) }
        let drawn = try TestSupport.cutaway("net", "--proc", Self.capture, "--format", "dot", "--output", dot)
        #expect(drawn.status == 0)
        #expect(try String(contentsOfFile: dot + "/network.dot", encoding: .utf8).contains("read from the live kernel only"))
    }

    @Test func selectionErrorsSayWhatToDo() throws {
        let noNamespace = try TestSupport.cutaway("net", "--proc", Self.capture, "--ns", "1")
        #expect(noNamespace.status == 1 && noNamespace.stderr.contains("cutaway namespaces --type net"))
        let noProcess = try TestSupport.cutaway("ipc", "--proc", Self.capture, "--pid", "999999999")
        #expect(noProcess.status == 1 && noProcess.stderr.contains("no process 999999999"))
        let both = try TestSupport.cutaway("net", "--pid", "1", "--ns", "2")
        #expect(both.status == 2 && both.stderr.contains("not both"))
    }
}
