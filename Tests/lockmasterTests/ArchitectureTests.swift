import Foundation
import Testing

/// The module rules of CONTRIBUTING.md, checked on the sources: each module imports only what its row
/// allows, only the executable imports ArgumentParser, and libraries never print.
@Suite struct ArchitectureTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    static let system: Set = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Synchronization"]
    static let allowed: [String: Set<String>] = [
        "Support": ["CProcess"],
        "Manifests": ["Support", "Yams"],
        "Platform": ["Manifests", "Support"],
        "Cluster": ["Support"],
        "GitKit": ["Support"],
        "Artifacts": [
            "Support", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOPosix", "Crypto", "_CryptoExtras", "CZlib",
        ],
        "LockmasterKit": ["Platform", "Manifests", "Artifacts", "GitKit", "Cluster", "Support", "Crypto"],
        "lockmaster": [
            "LockmasterKit", "Platform", "Manifests", "Artifacts", "GitKit", "Cluster", "Support", "ArgumentParser",
        ],
    ]

    /// Every Swift file of `module` with its text.
    static func files(of module: String) throws -> [(String, String)] {
        let root = sources.appendingPathComponent(module)
        let paths =
            FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter {
                $0.hasSuffix(".swift")
            } ?? []
        return try paths.map {
            ("\(module)/\($0)", try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8))
        }
    }

    @Test(arguments: allowed.keys.sorted())
    func importsFollowTheModuleMap(module: String) throws {
        let files = try Self.files(of: module)
        #expect(!files.isEmpty)
        for (path, text) in files {
            for line in text.split(separator: "\n") {
                guard
                    let match = line.wholeMatch(of: /(?:@preconcurrency )?(?:public |internal |package )?import (\w+)/)
                else { continue }
                let imported = String(match.1)
                #expect(
                    Self.system.contains(imported) || Self.allowed[module]!.contains(imported),
                    "\(path) imports \(imported)")
            }
        }
    }

    /// Interruption ends the process on a signal, so it says why itself: there is no caller left to tell.
    static let mayPrint: Set = ["Support/Interruption.swift"]

    @Test func librariesNeverPrint() throws {
        for module in Self.allowed.keys where module != "lockmaster" {
            for (path, text) in try Self.files(of: module) where !Self.mayPrint.contains(path) {
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains(/(^|[^\w.])print\(|FileHandle\.standard(Output|Error)|fputs\(/) {
                    Issue.record("\(path):\(number + 1) prints: \(line)")
                }
            }
        }
    }

    /// Processes start only behind the boundary that owns them: git in GitKit, kubectl (kustomize too) in
    /// Cluster, the process runner in Support; besides, the docker credential helpers and the sandbox
    /// hooks, each in one file.
    static let mayStartProcesses: Set = [
        "Artifacts/Auth/CredentialResolver.swift", "LockmasterKit/Repository/SandboxHooks.swift",
    ]

    @Test func gitAndKubectlRunOnlyInTheirModules() throws {
        for module in Self.allowed.keys {
            for (path, text) in try Self.files(of: module) {
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let place = "\(path):\(number + 1): \(line)"
                    if line.contains("ProcessInvocation("), !["Support", "GitKit", "Cluster"].contains(module) {
                        #expect(
                            Self.mayStartProcesses.contains(path),
                            "starts a process outside GitKit, Cluster and Support: \(place)")
                    }
                    if line.contains(/ProcessInvocation\(\s*"git"/) {
                        #expect(module == "GitKit", "runs git outside GitKit: \(place)")
                    }
                    // A `"kustomize"` argument, not the `kustomize` key of a YAML path being read (`node(at:`).
                    if line.contains(/"kustomize"|ProcessInvocation\(\s*kubectl/),
                        !line.contains(/(node|string)\(at:[^)]*"kustomize"/)
                    {
                        #expect(module == "Cluster", "runs kubectl outside Cluster: \(place)")
                    }
                }
            }
        }
    }

    /// What each target of Package.swift declares: a module that imports a module it does not declare
    /// builds only by accident (through another's dependency), so it fails here.
    static func declaredDependencies() throws -> [String: Set<String>] {
        let text = try String(
            contentsOf: sources.deletingLastPathComponent().appendingPathComponent("Package.swift"), encoding: .utf8)
        var declared: [String: Set<String>] = [:]
        for match in text.matches(of: /\.(?:executableTarget|target)\(\s*name: "(\w+)",\s*dependencies: \[([^\]]*)\]/) {
            let names = String(match.2).matches(of: /(?:^|[\s,\[])"(\w+)"|\.product\(name: "(\w+)"/).map {
                String($0.1 ?? $0.2 ?? "")
            }
            declared[String(match.1)] = Set(names.filter { !$0.isEmpty })
        }
        return declared
    }

    @Test(arguments: allowed.keys.sorted())
    func importsAreDeclaredInPackageSwift(module: String) throws {
        let declared = try #require(try Self.declaredDependencies()[module], "no target \(module) in Package.swift")
        for (path, text) in try Self.files(of: module) {
            for line in text.split(separator: "\n") {
                guard
                    let match = line.wholeMatch(of: /(?:@preconcurrency )?(?:public |internal |package )?import (\w+)/)
                else { continue }
                let imported = String(match.1)
                #expect(
                    Self.system.contains(imported) || declared.contains(imported),
                    "\(path) imports \(imported), which Package.swift does not declare for \(module)")
            }
        }
    }

    /// The command line keeps no mutable global: what a run decides (colour, quiet) travels with it as an
    /// `OutputContext`.
    @Test func theCommandLineHasNoUnsafeGlobals() throws {
        for (path, text) in try Self.files(of: "lockmaster") {
            #expect(!text.contains("nonisolated(unsafe)"), "\(path) keeps a mutable global")
        }
    }

    /// The folders of a module use each other one way only: a folder is a part a reader can name, and
    /// two that lean on each other are one part in two places. A folder (with the folders inside it) uses another when one of its
    /// files names a type declared at the top level of the other's files.
    @Test(arguments: allowed.keys.sorted())
    func foldersDependWithoutCycles(module: String) throws {
        let files = try Self.files(of: module)
        // A folder with the folders inside it: Check/Rules is part of Check.
        let folder = { (path: String) in path.split(separator: "/").dropLast().prefix(2).joined(separator: "/") }
        var owner: [String: String] = [:]
        for (path, text) in files {
            for match in text.matches(
                of:
                    /(?m)^(?:public |package |final |indirect )*(?:struct|enum|class|protocol|actor|typealias) ([A-Z]\w*)/
            ) {
                owner[String(match.1)] = folder(path)
            }
        }
        var uses: [String: Set<String>] = [:]
        for (path, text) in files {
            let code = text.replacing(/\/\/.*/, with: "")
            for match in code.matches(of: /\b[A-Z]\w*\b/) {
                if let other = owner[String(match.0)], other != folder(path) {
                    uses[folder(path), default: []].insert(other)
                }
            }
        }
        for (from, targets) in uses {
            for to in targets where from < to && uses[to]?.contains(from) == true {
                Issue.record("\(from) and \(to) use each other")
            }
        }
    }
}
