import Foundation
import Manifests
import Platform

/// The files `lockmaster init` writes, with the current Flux API versions.
enum ScaffoldTemplates {
    struct Options {
        var gitURL: String
        /// The `oci://` URL the clusters' OCIRepositories pull from.
        var ociURL: String
        /// What `lockmaster.yaml` records as the artifact repository (the URL or a local layout path).
        var artifact: String
        var settings: LockmasterSettings
        var stagingRange = "~0.1.0"
        var productionTag = "0.1.0"
    }

    /// The paths `files` writes, without needing the URLs.
    static func paths(_ settings: LockmasterSettings) -> [String] {
        files(Options(gitURL: "", ociURL: "", artifact: "", settings: settings)).map(\.path)
    }

    static func files(_ options: Options) -> [(path: String, content: String)] {
        let clusters = options.settings.clustersDir
        var files: [(String, String)] = [
            (LockmasterSettings.fileName, settingsFile(options)),
            (SettingsSchema.fileName, schemaFile),
            ("\(clusters)/development/platform.yaml", development(options)),
            ("\(clusters)/staging/platform.yaml", staging(options)),
            ("\(clusters)/production/platform.yaml", production(options)),
        ]
        for directory in ["services", "configs", "service-configs"] {
            files.append(("platform/\(directory)/.gitkeep", ""))
        }
        return files
    }

    private static func settingsFile(_ options: Options) -> String {
        """
        \(SettingsSchema.modeline)
        # Lockmaster settings. Every key is optional; `lockmaster schema` describes each one and its default.
        branch: \(options.settings.branch)
        artifact: \(quoted(options.artifact))

        """
    }

    /// The schema editors read through the first line of `lockmaster.yaml`: the one this binary validates with.
    private static var schemaFile: String {
        SettingsSchema.json.hasSuffix("\n") ? SettingsSchema.json : SettingsSchema.json + "\n"
    }

    private static func development(_ options: Options) -> String {
        """
        # development tracks the branch of record: every merge to \(options.settings.branch) reaches it.
        ---
        apiVersion: \(FluxAPI.current.source)
        kind: GitRepository
        metadata:
          name: platform
          namespace: flux-system
        spec:
          interval: 1m
          url: \(quoted(options.gitURL))
          ref:
            branch: \(options.settings.branch)
          # The Secret that flux bootstrap creates for the private repository.
          secretRef:
            name: flux-system
          # Only the platform paths, as in the published artifact.
          ignore: |
            /*
            !/platform/

        """ + kustomizations(sourceKind: "GitRepository")
    }

    private static func staging(_ options: Options) -> String {
        ociEnvironment(
            options, comment: "staging tracks a range of patch releases of the published platform artifact.",
            ref: "semver: \"\(options.stagingRange)\"")
    }

    private static func production(_ options: Options) -> String {
        ociEnvironment(
            options,
            comment: "production is pinned to exactly the version staging ran; `lockmaster promote` changes the tag.",
            ref: "tag: \"\(options.productionTag)\"")
    }

    private static func ociEnvironment(_ options: Options, comment: String, ref: String) -> String {
        """
        # \(comment)
        ---
        apiVersion: \(FluxAPI.current.source)
        kind: OCIRepository
        metadata:
          name: platform
          namespace: flux-system
        spec:
          interval: 5m
          url: \(quoted(options.ociURL))
          ref:
            \(ref)

        """ + kustomizations(sourceKind: "OCIRepository")
    }

    /// configs → services → service-configs: services may need the configs, and service configs
    /// (custom resources) need the CRDs the services install.
    private static func kustomizations(sourceKind: String) -> String {
        let layers: [(name: String, path: String, dependsOn: String?)] = [
            ("platform-configs", "configs", nil),
            ("platform-services", "services", "platform-configs"),
            ("platform-service-configs", "service-configs", "platform-services"),
        ]
        return layers.map { layer in
            var text = """
                ---
                apiVersion: \(FluxAPI.current.kustomize)
                kind: Kustomization
                metadata:
                  name: \(layer.name)
                  namespace: flux-system
                spec:
                  interval: 10m
                  path: ./platform/\(layer.path)
                  prune: true
                  wait: true
                  sourceRef:
                    kind: \(sourceKind)
                    name: platform

                """
            if let dependsOn = layer.dependsOn {
                text += """
                      dependsOn:
                        - name: \(dependsOn)

                    """
            }
            return text
        }.joined()
    }

    /// Double-quotes a value when it cannot be written plain.
    private static func quoted(_ value: String) -> String {
        let safe = value.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@+~".contains($0) } && !value.isEmpty
        return safe
            ? value
            : "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
    }
}
