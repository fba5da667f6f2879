import Artifacts
import Manifests

/// Chart, image and artifact versions that jump a major version or go down.
enum VersionRules: DangerCheck {
    static let rules: [DangerRule] = [.majorUpgrade, .downgrade]

    static func check(_ change: ObjectChange) -> [DangerHit] {
        guard let old = change.old, let new = change.new else { return [] }
        var hits: [DangerHit] = []
        func compare(_ before: String?, _ after: String?, what: String, field: [String]) {
            guard let before, let after, before != after, let from = version(before), let to = version(after) else {
                return
            }
            switch VersionStep(from: from, to: to) {
            case .downgrade:
                hits.append(DangerHit(rule: .downgrade, field: field, message: "\(what) \(before) → \(after)"))
            case .major:
                hits.append(DangerHit(rule: .majorUpgrade, field: field, message: "\(what) \(before) → \(after)"))
            case .minor, .patch: break
            }
        }
        if change.is("HelmRelease", group: FluxAPI.helmGroup) {
            let path = ["spec", "chart", "spec", "version"]
            compare(
                old.node.string(at: path), new.node.string(at: path),
                what: "chart \(new.node.string(at: ["spec", "chart", "spec", "chart"]) ?? "")", field: path)
        }
        if change.is("OCIRepository", group: FluxAPI.sourceGroup) {
            let path = ["spec", "ref", "tag"]
            compare(old.node.string(at: path), new.node.string(at: path), what: "tag", field: path)
        }
        // Images, matched by container name in whatever pod template the object has.
        let before = images(old.node)
        let after = images(new.node)
        for (container, image) in after.sorted(by: { $0.key < $1.key }) {
            guard let previous = before[container], repository(previous) == repository(image) else { continue }
            compare(tag(previous), tag(image), what: "image \(repository(image))", field: [])
        }
        return hits
    }

    /// A version in a chart version or image tag (`v1.2.3`, `1.2.3-alpine`); nil for `latest` and the like.
    static func version(_ text: String) -> SemanticVersion? {
        SemanticVersion(text.hasPrefix("v") ? String(text.dropFirst()) : text)
    }

    /// container name → image, for every container of a pod template, a job template's or a Pod's own.
    static func images(_ node: YAMLNode) -> [String: String] {
        var result: [String: String] = [:]
        for spec in [["spec"], ["spec", "template", "spec"], ["spec", "jobTemplate", "spec", "template", "spec"]] {
            for list in ["containers", "initContainers"] {
                for container in node.node(at: spec + [list])?.items ?? [] {
                    if let name = container.string(at: ["name"]), let image = container.string(at: ["image"]) {
                        result["\(list)/\(name)"] = image
                    }
                }
            }
        }
        return result
    }

    /// The image without tag or digest.
    static func repository(_ image: String) -> String {
        let named = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
        guard let colon = named.lastIndex(of: ":"), !named[colon...].contains("/") else { return named }
        return String(named[..<colon])
    }

    static func tag(_ image: String) -> String? {
        let named = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
        guard let colon = named.lastIndex(of: ":"), !named[colon...].contains("/") else { return nil }
        return String(named[named.index(after: colon)...])
    }
}
