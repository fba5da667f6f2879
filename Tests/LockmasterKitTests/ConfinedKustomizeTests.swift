import Cluster
import Foundation
import Support
import TestSupport
import Testing

/// kubectl itself inside the wall, with no scanner in front of it: what a kustomization asks for
/// outside its directory is refused by the kernel, and Go reports the refused socket as a network error.
@Suite struct ConfinedKustomizeTests {
    @Test func theKernelRefusesWhatTheScannerWouldHaveMissed() async throws {
        guard case .success = KernelWall.probe() else {
            Issue.record("this kernel has no Landlock or seccomp: \(KernelWall.probe())")
            return
        }
        let scratch = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        try outside.write("canary.txt", "CANARY-CONFINED")
        let canary = try await CanaryServer()
        let home = scratch.url.appendingPathComponent(".home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let kustomize = ConfinedKustomize(kubectl: "kubectl", runner: SystemProcessRunner())
        let cases = [
            "configMapGenerator:\n- name: x\n  files: [h=\(outside.path)/canary.txt]\n": "permission denied",
            "resources:\n- http://\(canary.host)/x.yaml\n": "socket: permission denied",
            "resources:\n- http://canary.invalid/x.yaml\n": "dial udp",
        ]
        for (kustomization, refusal) in cases {
            try scratch.write("kustomization.yaml", kustomization)
            let output = try await kustomize.build(scratch.url, home: home)
            #expect(output.status != 0, "\(kustomization): \(output.stdout)")
            #expect(output.stderr.contains(refusal), "\(kustomization): \(output.stderr)")
            #expect(!output.stdout.contains("CANARY-CONFINED") && !output.stderr.contains("CANARY-CONFINED"))
        }
        #expect(canary.requests.isEmpty)
        // Inside its directory it builds as ever.
        try scratch.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\n")
        try scratch.write("kustomization.yaml", "resources: [cm.yaml]\n")
        let built = try await kustomize.build(scratch.url, home: home)
        #expect(built.status == 0 && built.stdout.contains("name: inside"), "\(built.stderr)")
    }
}
