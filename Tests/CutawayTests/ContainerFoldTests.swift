import CutawayModel
import CutawayRender
import Foundation
import Testing

/// A busy Kubernetes node: alike pods and alike containers are drawn once, the odd ones on
/// their own; `fold: false` and JSON keep every one.
@Suite struct ContainerFoldTests {
    func member(_ id: String, pod: PodRef?, role: Container.Role, name: String, image: String) -> Container {
        Container(engine: .containerd, id: id, name: id, image: image, imageID: "sha256:" + image, storeRoot: "/var/lib/containerd",
                  engineNamespace: "k8s.io", pod: pod, role: role, podContainerName: name)
    }

    func busyNode() throws -> Snapshot {
        var s = try DiagramTests().demo()
        for n in 0..<6 {
            let pod = PodRef(namespace: "shop", name: "web-\(n)", sandboxID: "sandbox\(n)")
            s.containers.append(member("sandbox\(n)", pod: pod, role: .sandbox, name: "", image: "pause"))
            s.containers.append(member("app\(n)", pod: pod, role: .container, name: "app", image: "web"))
        }
        let odd = PodRef(namespace: "shop", name: "db-0", sandboxID: "sandbox-db")
        s.containers.append(member("sandbox-db", pod: odd, role: .sandbox, name: "", image: "pause"))
        s.containers.append(member("db", pod: odd, role: .container, name: "db", image: "postgres"))
        for n in 0..<5 { s.containers.append(member("job\(n)", pod: nil, role: .container, name: "", image: "batch")) }
        return s
    }

    @Test func alikePodsAndContainersAreDrawnOnce() throws {
        let s = try busyNode()
        let items = SnapshotDiagrams.items(s)
        let pods = items.filter { $0.kind == "pod" }
        #expect(pods.count == 2, "\(pods.map(\.title))")
        let web = try #require(pods.first { $0.title.contains("web-0") })
        #expect(web.title.contains("and 5 more pods like it"))
        #expect(web.covers.filter { $0.hasPrefix("pod:") }.count == 6)
        #expect(pods.contains { $0.title == "pod shop/db-0" })
        let jobs = items.filter { $0.kind == "container" && $0.covers.contains("container:job0") }
        #expect(jobs.count == 1 && jobs[0].title.contains("and 4 more containers like it"))
        #expect(jobs[0].covers.contains("container:job4"))
        #expect(!items.contains { $0.covers == ["container:job3"] })
        // The demo's own two containers (docker, podman) differ: each keeps its diagram.
        #expect(items.filter { $0.kind == "container" && !$0.title.contains("more containers like it") }.count >= 2)
    }

    @Test func unfoldedAndFocusedDrawEveryOne() throws {
        let s = try busyNode()
        let all = SnapshotDiagrams.items(s, fold: false)
        #expect(all.filter { $0.kind == "pod" }.count == 7)
        #expect(!all.contains { $0.title.contains("more pods like it") || $0.title.contains("more containers like it") })
        #expect(ContainerFold.pods(Pod.group(s.containers)).map(\.all.count).sorted() == [1, 6])
    }
}
