import Manifests
import Testing

@testable import LockmasterKit

/// How diff pairs the objects of two sides: copies applied by different Kustomizations (for different
/// clusters) pair with their own, and an object moved to another Kustomization pairs with itself.
@Suite struct DiffPairingTests {
    private func config(_ value: String, by kustomization: String) throws -> RenderedObject {
        let node = try YAMLDocumentReader.documents(
            in:
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shared}\ndata: {region: \(value)}\n"
        )[0]
        let parts = kustomization.split(separator: "/").map(String.init)
        return RenderedObject(
            kustomization: KustomizationID(namespace: parts[0], name: parts[1]), source: nil, node: node)
    }

    @Test func copiesForTwoClustersPairWithTheirOwn() throws {
        let side = [try config("eu", by: "flux-system/spoke-eu"), try config("us", by: "flux-system/spoke-us")]
        let (pairs, added, removed) = PlatformDiffer.pair(side, side.reversed())
        #expect(added.isEmpty && removed.isEmpty)
        #expect(
            pairs.allSatisfy {
                $0.old.node.sameContent(as: $0.new.node) && $0.old.kustomization == $0.new.kustomization
            })
    }

    @Test func anObjectMovedToAnotherKustomizationPairsWithItself() throws {
        let (pairs, added, removed) = PlatformDiffer.pair(
            [try config("eu", by: "flux-system/apps")], [try config("eu", by: "flux-system/infrastructure")])
        #expect(pairs.count == 1 && added.isEmpty && removed.isEmpty)
    }

    @Test func whatHasNoCounterpartIsAddedOrRemoved() throws {
        let (pairs, added, removed) = PlatformDiffer.pair(
            [try config("eu", by: "flux-system/a"), try config("us", by: "flux-system/a")],
            [try config("eu", by: "flux-system/a")])
        #expect(pairs.count == 1 && added.isEmpty && removed.count == 1)
    }
}
