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
        "Artifacts": ["Support", "AsyncHTTPClient", "NIOCore", "NIOHTTP1", "NIOPosix", "Crypto", "CZlib"],
        "LockmasterKit": ["Platform", "Manifests", "Artifacts", "GitKit", "Cluster", "Support", "Crypto"],
        "lockmaster": ["LockmasterKit", "Platform", "Manifests", "Artifacts", "GitKit", "Cluster", "Support", "ArgumentParser"],
    ]

    /// Every Swift file of `module` with its text.
    static func files(of module: String) throws -> [(String, String)] {
        let root = sources.appendingPathComponent(module)
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try paths.map { ("\(module)/\($0)", try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test(arguments: allowed.keys.sorted())
    func importsFollowTheModuleMap(module: String) throws {
        let files = try Self.files(of: module)
        #expect(!files.isEmpty)
        for (path, text) in files {
            for line in text.split(separator: "\n") {
                guard let match = line.wholeMatch(of: /(?:@preconcurrency )?(?:public |internal |package )?import (\w+)/) else { continue }
                let imported = String(match.1)
                #expect(Self.system.contains(imported) || Self.allowed[module]!.contains(imported), "\(path) imports \(imported)")
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
}
